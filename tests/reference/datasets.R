# External binary-outcome data sets in the project's trials format (data/trials.csv columns),
# converted from R's metadat package, for tests/reference/external.R and
# tests/test_external_reference.py.
#
# Run from the project root:  Rscript tests/reference/datasets.R
# Needs R (>= 4.2) with metadat (1.2-0). It writes
#   tests/reference/datasets/<name>_trials.csv   one row per trial (see tests/reference/README.md)
# and checks (without rewriting it) that tests/reference/datasets/bcg_trials.csv still holds
# exactly the counts of metadat's dat.bcg.
# CI never runs this script; the tests read only the CSV files it wrote.
#
# Conventions (as in bcg_trials.csv): treatment arm first (events_trt/n_trt = metadat's
# ai/n1i or its equivalent); study_id = "<dataset>_" + the lowercased study label with every
# run of other characters replaced by "_"; year only where metadat has a year column (left
# empty otherwise); design fields from the metadat help page or "not stated"; value_flag
# "read" (every count is a metadat column, nothing is computed); rows that metadat leaves
# without counts for the outcome are left out and listed in tests/reference/README.md.
# No row is corrected: zero cells, double zeros and events = N are kept exactly as metadat has
# them (metafor's escalc keeps them too, with add = 1/2 to = "only0" drop00 = FALSE).
suppressMessages(library(metadat))

out_dir <- file.path("tests", "reference", "datasets")
META_VERSION <- as.character(packageVersion("metadat"))   # "1.2.0" for metadat 1.2-0
META_LABEL <- sub("^(\\d+)\\.(\\d+)\\.(\\d+)$", "\\1.\\2-\\3", META_VERSION)
stopifnot(META_LABEL == "1.2-0")

COLUMNS <- c("study_id", "study", "year", "outcome", "outcome_definition", "timepoint_days",
             "population", "events_trt", "n_trt", "events_ctl", "n_ctl", "intervention",
             "control", "dosing", "blinding", "centres", "country", "design", "value_flag",
             "derivation", "source", "url", "location", "notes")

slug <- function(x) gsub("^_+|_+$", "", gsub("[^a-z0-9]+", "_", tolower(x)))

doc_url <- function(name) paste0("https://wviechtb.github.io/metadat/reference/", name, ".html")

via <- function(name) paste0("via R package metadat ", META_LABEL, ", dataset ", name)

# plain RFC-4180 CSV: unquoted header, a field is quoted only if it needs it (as Python's csv
# module with QUOTE_MINIMAL, which wrote bcg_trials.csv); LF line ends
write_trials <- function(d, name) {
  stopifnot(identical(names(d), COLUMNS), !anyDuplicated(d$study_id),
            all(grepl("^[a-z][a-z0-9_.]*$", d$study_id)),
            all(d$events_trt <= d$n_trt), all(d$events_ctl <= d$n_ctl),
            all(d$events_trt >= 0), all(d$events_ctl >= 0))
  q <- function(x) {
    x <- as.character(x); x[is.na(x)] <- ""
    ifelse(grepl('[",\r\n]', x), paste0('"', gsub('"', '""', x), '"'), x)
  }
  lines <- c(paste(names(d), collapse = ","),
             do.call(paste, c(lapply(d, q), sep = ",")))
  path <- file.path(out_dir, paste0(name, "_trials.csv"))
  con <- file(path, open = "wb"); on.exit(close(con))
  writeLines(enc2utf8(lines), con, sep = "\n", useBytes = TRUE)
  cat("wrote", path, "(", nrow(d), "trials )\n")
}

frame <- function(prefix, study, year, outcome, definition, a, n1, c, n2, intervention,
                  control, dosing, blinding, country, design, source, url, location, notes,
                  population = "not stated", timepoint = NA_integer_, centres = NA_integer_) {
  n <- length(study)
  rep_n <- function(x) if (length(x) == 1) rep(x, n) else x
  d <- data.frame(
    study_id = paste0(prefix, "_", slug(study)), study = study,
    year = as.integer(rep_n(year)), outcome = outcome, outcome_definition = rep_n(definition),
    timepoint_days = as.integer(rep_n(timepoint)), population = rep_n(population),
    events_trt = as.integer(a), n_trt = as.integer(n1),
    events_ctl = as.integer(c), n_ctl = as.integer(n2),
    intervention = rep_n(intervention), control = rep_n(control), dosing = rep_n(dosing),
    blinding = rep_n(blinding), centres = as.integer(rep_n(centres)), country = rep_n(country),
    design = rep_n(design), value_flag = "read", derivation = "", source = source, url = url,
    location = location, notes = rep_n(notes), stringsAsFactors = FALSE)
  # the counts must be the metadat columns, unchanged
  stopifnot(d$events_trt == a, d$n_trt == n1, d$events_ctl == c, d$n_ctl == n2)
  d
}

# zero-cell notes, appended per row (nothing is corrected in the file)
cell_note <- function(a, n1, c, n2) {
  ifelse(a == 0 & c == 0,
         " No events in either arm (double zero): kept as metafor's escalc keeps it (drop00 = FALSE, 1/2 added to each cell); rma.mh and rma.peto leave it out of Q.",
  ifelse(a == n1 & c == n2,
         " Events = N in both arms: kept as metafor's escalc keeps it (1/2 added to each cell); rma.mh and rma.peto leave it out of Q.",
  ifelse(a == n1 | c == n2,
         " Events = N in one arm: escalc adds 1/2 to each cell.",
  ifelse(a == 0 | c == 0, " No events in one arm: escalc adds 1/2 to each cell.", ""))))
}

NOT_TA1 <- "Public example dataset in the trials.csv format (not thymosin), used to test that the meta-analysis code works on any binary-outcome trials file."

# ------------------------------------------------------------- (a) many trials: dat.lau1992
d <- dat.lau1992
lau <- frame(
  "lau1992", paste(d$trial, d$year), d$year, "mortality",
  "Deaths (intravenous streptokinase vs placebo or no therapy in patients hospitalised for acute myocardial infarction; example dataset, not thymosin)",
  d$ai, d$n1i, d$ci, d$n2i,
  "intravenous streptokinase", "placebo or no therapy", "not stated", "not stated",
  "not stated", "not stated",
  paste("Lau J, Antman EM, Jimenez-Silva J, Kupelnick B, Mosteller F, Chalmers TC.",
        "Cumulative meta-analysis of therapeutic trials for myocardial infarction.",
        "N Engl J Med 1992;327(4):248-254. doi:10.1056/NEJM199207233270406;", via("dat.lau1992")),
  doc_url("dat.lau1992"), "metadat dat.lau1992, columns trial/year/ai/n1i/ci/n2i",
  paste0(NOT_TA1, cell_note(d$ai, d$n1i, d$ci, d$n2i)))
write_trials(lau, "lau1992")

# ------------------------------------------------ (b) rare events, double zeros: dat.hahn2001
d <- dat.hahn2001
hahn <- frame(
  "hahn2001", d$study, NA_integer_, "unscheduled_iv_infusion",
  "Children requiring unscheduled intravenous infusion (reduced osmolarity vs standard WHO oral rehydration solution in children with diarrhoea; example dataset, not thymosin)",
  d$ai, d$n1i, d$ci, d$n2i,
  "reduced osmolarity oral rehydration solution (total osmolarity <250 mmol/l with reduced sodium)",
  "standard WHO oral rehydration solution (sodium 90 mmol/l, glucose 111 mmol/l, total osmolarity 311 mmol/l)",
  "not stated", "not stated", "not stated", "randomised clinical trial",
  paste("Hahn S, Kim Y, Garner P. Reduced osmolarity oral rehydration solution for treating",
        "dehydration due to diarrhoea in children: systematic review.",
        "BMJ 2001;323(7304):81-85. doi:10.1136/bmj.323.7304.81;", via("dat.hahn2001")),
  doc_url("dat.hahn2001"), "metadat dat.hahn2001, columns study/ai/n1i/ci/n2i",
  paste0(NOT_TA1,
         " Study label exactly as in metadat (trial name and year, with its spellings); year left empty because metadat has no year column.",
         cell_note(d$ai, d$n1i, d$ci, d$n2i)))
write_trials(hahn, "hahn2001")

# -------------------------------------- (b') events = N (all survived): dat.fine1993, 6 months
d <- dat.fine1993
stopifnot(sum(is.na(d$e1i)) == 1, is.na(d$e1i[d$study == 17]))
d <- d[!is.na(d$e1i) & !is.na(d$c1i), ]        # study 17 has no 6-month count (left out)
fine <- frame(
  "fine1993", paste("Study", d$study), NA_integer_, "survival_6m",
  "Patients alive at 6 months after surgery (the counted outcome is survival, not death; post-operative radiotherapy with vs without adjuvant chemotherapy for malignant gliomas; example dataset, not thymosin)",
  d$e1i, d$nei, d$c1i, d$nci,
  "post-operative radiotherapy plus adjuvant chemotherapy", "post-operative radiotherapy alone",
  "not stated", "not stated", "not stated", "not stated",
  paste("Fine HA, Dear KB, Loeffler JS, Black PM, Canellos GP. Meta-analysis of radiation",
        "therapy with and without adjuvant chemotherapy for malignant gliomas in adults.",
        "Cancer 1993;71(8):2585-2597. doi:10.1002/1097-0142(19930415)71:8<2585::aid-cncr2820710825>3.0.co;2-s;",
        "counts as reconstructed by Trikalinos TA, Olkin I. Clin Trials 2012;9(5):610-620",
        "(doi:10.1177/1740774512453218) from Table 2 of Fine et al. and Table 3 of Dear KBG.",
        "Biometrics 1994;50(4):989-1002;", via("dat.fine1993")),
  doc_url("dat.fine1993"), "metadat dat.fine1993, columns study/nei/e1i/nci/c1i (survivors at 6 months)",
  paste0(NOT_TA1,
         " Trials are numbered as in metadat; no year column. Study 17 is left out: it has no 6-month count (survival assessed at 12 and 24 months only).",
         cell_note(d$e1i, d$nei, d$c1i, d$nci)))
write_trials(fine, "fine1993")

# ------------------------------------------- (c) very high heterogeneity: dat.linde2005
d <- dat.linde2005
RESPONSE <- c("1" = "HRSD score reduction of at least 50% or HRSD score after therapy <10",
              "2" = "HRSD reduction of at least 50%",
              "3" = "based on HRSD scale but exact definition not reported",
              "4" = "global patient assessment of efficacy",
              "5" = "at least 'much improved' on the Clinical Global Impression sub-scale for global improvement")
STRATUM <- c("1" = "smaller trials restricted to major depression",
             "2" = "larger trials restricted to major depression",
             "3" = "smaller trials not restricted to major depression",
             "4" = "larger trials not restricted to major depression")
stopifnot(sum(is.na(d$ai)) == 2)
d <- d[!is.na(d$ai), ]                          # 2 studies without response counts (left out)
stopifnot(!anyNA(d$year), !anyNA(d$response), !anyNA(d$group))
linde <- frame(
  "linde2005", paste(d$study, d$year), d$year, "response",
  paste0("Responders: ", RESPONSE[as.character(d$response)],
         "; assessed at week ", d$duration,
         " (Hypericum perforatum extract vs placebo for depression; example dataset, not thymosin)"),
  d$ai, d$n1i, d$ci, d$n2i,
  paste("Hypericum perforatum (St John's wort) extract", d$prep), "placebo",
  ifelse(is.na(d$dosage), "not stated",
         paste0(d$dosage, " mg (metadat 'dosage'; midpoint where a range was given)")),
  "double-blind", d$country, "double-blind placebo-controlled trial",
  paste("Linde K, Berner M, Egger M, Mulrow C. St John's wort for depression: meta-analysis of",
        "randomised controlled trials. Br J Psychiatry 2005;186(2):99-107.",
        "doi:10.1192/bjp.186.2.99;", via("dat.linde2005")),
  doc_url("dat.linde2005"),
  "metadat dat.linde2005, columns study/year/ai/n1i/ci/n2i (from Table 1 and Figure 3 of Linde et al. 2005)",
  paste0(NOT_TA1, " Linde et al. stratum: ", STRATUM[as.character(d$group)], ".",
         " Two studies of metadat without response counts (Harrer et al. 1991, Bjerkenstedt et al.) are left out.",
         cell_note(d$ai, d$n1i, d$ci, d$n2i)))
write_trials(linde, "linde2005")

# ------------------------------------------------- (d) four trials: dat.cannon2006, endpoint 2
d <- dat.cannon2006
cannon <- frame(
  "cannon2006", d$trial, NA_integer_, "coronary_death_or_cv_event",
  "Coronary death or any cardiovascular event (MI, stroke, hospitalisation for unstable angina, or revascularisation); end point 2 of Cannon et al. 2006 (intensive vs moderate statin therapy; example dataset, not thymosin)",
  d$ep2t, d$nt, d$ep2c, d$nc,
  "intensive (high dose) statin therapy", "moderate (standard dose) statin therapy",
  "not stated", "not stated", "not stated", "not stated",
  paste("Cannon CP, Steinberg BA, Murphy SA, Mega JL, Braunwald E. Meta-analysis of",
        "cardiovascular outcomes trials comparing intensive versus moderate statin therapy.",
        "J Am Coll Cardiol 2006;48(3):438-445. doi:10.1016/j.jacc.2006.04.070;",
        via("dat.cannon2006")),
  doc_url("dat.cannon2006"),
  "metadat dat.cannon2006, columns trial/nt/ep2t/nc/ep2c (from Figures 2-5 of Cannon et al. 2006)",
  paste0(NOT_TA1, " Study population: ", d$pop, ". No year column in metadat.",
         cell_note(d$ep2t, d$nt, d$ep2c, d$nc)))
write_trials(cannon, "cannon2006")

# --------------------------------------- bcg_trials.csv (written earlier): check, do not rewrite
bcg <- read.csv(file.path(out_dir, "bcg_trials.csv"), stringsAsFactors = FALSE)
stopifnot(nrow(bcg) == nrow(dat.bcg),
          bcg$events_trt == dat.bcg$tpos, bcg$n_trt == dat.bcg$tpos + dat.bcg$tneg,
          bcg$events_ctl == dat.bcg$cpos, bcg$n_ctl == dat.bcg$cpos + dat.bcg$cneg,
          bcg$year == dat.bcg$year)
cat("checked", file.path(out_dir, "bcg_trials.csv"), "against metadat dat.bcg\n")
