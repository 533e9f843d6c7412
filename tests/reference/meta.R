# Reference values for the meta-analysis engine (pooling, heterogeneity, sensitivity,
# small-study tests, subgroups) and for the group-sequential boundaries (rpact).
#
# Run from the project root:  Rscript tests/reference/meta.R
# Needs R (>= 4.2) with metafor (3.8-1), metadat, rpact (3.3.4) and jsonlite.
# It writes
#   tests/reference/datasets/<name>.csv   columns: study,year,ai,n1i,ci,n2i,group
#   tests/reference/meta.json             all reference values
# CI never runs this script; the tests read only the pinned CSV/JSON files it wrote.
# Re-run it by hand only when the reference versions change, and commit the outputs.
suppressMessages({
  library(metafor); library(metadat); library(rpact); library(jsonlite)
})

out_dir <- "tests/reference"
ds_dir <- file.path(out_dir, "datasets")
dir.create(ds_dir, showWarnings = FALSE, recursive = TRUE)

# ---------------------------------------------------------------- datasets
mk <- function(study, year, ai, n1i, ci, n2i, group = NA_character_) {
  data.frame(study = as.character(study), year = as.integer(year),
             ai = as.integer(ai), n1i = as.integer(n1i),
             ci = as.integer(ci), n2i = as.integer(n2i),
             group = as.character(group), stringsAsFactors = FALSE)
}

datasets <- list(
  bcg = with(dat.bcg, mk(paste(author, year), year, tpos, tpos + tneg,
                         cpos, cpos + cneg, alloc)),
  egger2001 = with(dat.egger2001, mk(paste(study, year), year, ai, n1i, ci, n2i)),
  # dat.hine1989 has no year column: year is left empty
  hine1989 = with(dat.hine1989, mk(source, NA, ai, n1i, ci, n2i)),
  nielweise2007 = with(dat.nielweise2007, mk(paste(author, year), year, ai, n1i, ci, n2i)),
  etass_tests = mk(c("ETASS", "TESTS"), c(2013, 2025), c(47, 127), c(181, 542),
                   c(63, 132), c(180, 547))
)
for (nm in names(datasets)) {
  d <- datasets[[nm]]
  # plain RFC-4180 CSV: unquoted header, a field is quoted only if it needs it
  q <- function(x) { x[is.na(x)] <- ""; ifelse(grepl('[",\n]', x),
                      paste0('"', gsub('"', '""', x), '"'), x) }
  lines <- c(paste(names(d), collapse = ","),
             do.call(paste, c(lapply(d, function(col) q(as.character(col))), sep = ",")))
  writeLines(lines, file.path(ds_dir, paste0(nm, ".csv")))
}

# ---------------------------------------------------------------- helpers
vec <- function(x) I(as.numeric(x))            # always a JSON array
num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x)[1]
safe <- function(expr) tryCatch(expr, error = function(e) NULL)

# escalc defaults (metafor 3.8-1): add = 1/2, to = "only0", drop00 = FALSE, vtype = "LS"
ESC_ADD <- 1/2; ESC_TO <- "only0"; ESC_DROP00 <- FALSE

fit_fields <- function(res) {
  list(b = num(res$b), se = num(res$se), ci.lb = num(res$ci.lb), ci.ub = num(res$ci.ub),
       zval = num(res$zval), pval = num(res$pval), tau2 = num(res$tau2),
       I2 = num(res$I2), H2 = num(res$H2), QE = num(res$QE), QEp = num(res$QEp),
       k = num(res$k))
}

pi_fields <- function(res) {
  p <- safe(predict(res))
  list(pi.lb = if (is.null(p)) NA_real_ else num(p$pi.lb),
       pi.ub = if (is.null(p)) NA_real_ else num(p$pi.ub))
}

tau2_ci <- function(res) {
  ci <- try(confint(res)$random["tau^2", ], silent = TRUE)
  if (inherits(ci, "try-error")) return(list(tau2.ci.lb = NA_real_, tau2.ci.ub = NA_real_))
  list(tau2.ci.lb = num(ci[["ci.lb"]]), tau2.ci.ub = num(ci[["ci.ub"]]))
}

# Iterative tau^2 estimators (ML, REML, PM) are run to full precision: metafor's defaults stop
# Fisher scoring at a change of 1e-5 in tau^2 and uniroot at tol ~1.2e-4, which for risk
# differences (tau^2 ~ 1e-3) leaves errors in the 3rd significant digit.
CTRL <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-14)

rma_block <- function(yi, vi, method, test = "z") {
  res <- safe(rma(yi, vi, method = method, test = test, control = CTRL))
  if (is.null(res)) return(NULL)
  f <- fit_fields(res)
  if (method != "FE") {
    f <- c(f, pi_fields(res))
    if (test == "z") f <- c(f, tau2_ci(res))
  }
  f
}

# Hartung-Knapp with the max(1, q) modification, by formula (cross-check of test="adhoc")
adhoc_formula <- function(yi, vi, method) {
  res <- rma(yi, vi, method = method, control = CTRL)
  k <- length(yi); w <- 1 / (vi + res$tau2)
  b <- sum(w * yi) / sum(w)
  q <- sum(w * (yi - b)^2) / (k - 1)
  se <- sqrt(max(1, q) / sum(w))
  crit <- qt(0.975, k - 1)
  list(b = b, se = se, ci.lb = b - crit * se, ci.ub = b + crit * se, q = q)
}

loo_fields <- function(res) {
  l <- safe(leave1out(res))
  if (is.null(l)) return(NULL)
  list(estimate = vec(l$estimate), se = vec(l$se), ci.lb = vec(l$ci.lb), ci.ub = vec(l$ci.ub))
}

regtest_fields <- function(res, model) {
  r <- safe(regtest(res, model = model, predictor = "sei"))
  if (is.null(r)) return(NULL)
  o <- list(model = model, predictor = "sei",
            zval = num(r$zval), pval = num(r$pval), dfs = num(r$dfs),
            limit_estimate = num(r$est), limit_ci.lb = num(r$ci.lb), limit_ci.ub = num(r$ci.ub))
  # coefficient of sei in the weighted regression yi ~ sei (= intercept of the classic
  # Egger regression yi/sei ~ 1/sei, i.e. the "bias" term)
  cf <- if (model == "lm") coef(r$fit) else as.numeric(r$fit$beta)
  o$egger_bias <- num(cf[2])
  o$egger_bias_se <- num(if (model == "lm") summary(r$fit)$coefficients[2, 2] else r$fit$se[2])
  o
}

# ---------------------------------------------------------------- meta-analyses
methods_all <- c("FE", "DL", "REML", "PM", "SJ", "HE", "ML")
measures <- c("RR", "OR", "RD")

one_measure <- function(nm, d, measure) {
  es <- escalc(measure = measure, ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i,
               add = ESC_ADD, to = ESC_TO, drop00 = ESC_DROP00)
  yi <- as.numeric(es$yi); vi <- as.numeric(es$vi)
  o <- list(yi = vec(yi), vi = vec(vi))
  for (m in methods_all) o[[paste0("rma.", m)]] <- rma_block(yi, vi, m)
  for (m in c("DL", "REML")) {
    o[[paste0("knha.", m)]] <- rma_block(yi, vi, m, test = "knha")
    o[[paste0("knha_adhoc.", m)]] <- rma_block(yi, vi, m, test = "adhoc")
    o[[paste0("knha_adhoc_formula.", m)]] <- safe(adhoc_formula(yi, vi, m))
  }

  mh <- safe(rma.mh(ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i, measure = measure))
  if (!is.null(mh)) {
    o$mh <- list(b = num(mh$b), se = num(mh$se), ci.lb = num(mh$ci.lb), ci.ub = num(mh$ci.ub),
                 zval = num(mh$zval), pval = num(mh$pval), QE = num(mh$QE), QEp = num(mh$QEp),
                 k = num(mh$k), k.yi = num(mh$k.yi), QE_df = num(mh$k.yi) - 1,
                 n_double_zero = sum(d$ai == 0 & d$ci == 0),
                 add = mh$add, to = mh$to, drop00 = mh$drop00)
  }
  if (measure == "OR") {
    pt <- safe(rma.peto(ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i))
    if (!is.null(pt)) {
      o$peto <- list(b = num(pt$b), se = num(pt$se), ci.lb = num(pt$ci.lb),
                     ci.ub = num(pt$ci.ub), zval = num(pt$zval), pval = num(pt$pval),
                     QE = num(pt$QE), QEp = num(pt$QEp), k = num(pt$k), k.yi = num(pt$k.yi))
    }
  }

  if (nm %in% c("bcg", "egger2001") && measure %in% c("RR", "OR")) {
    fe <- rma(yi, vi, method = "FE"); re <- rma(yi, vi, method = "REML", control = CTRL)
    o$leave1out.FE <- loo_fields(fe)
    o$leave1out.REML <- loo_fields(re)
    o$regtest <- regtest_fields(fe, "lm")
    o$regtest_rma <- regtest_fields(re, "rma")
  }

  if (nm == "bcg" && measure == "RR") {
    re <- rma(yi, vi, method = "REML", control = CTRL)
    cu <- cumul(re, order = d$year)   # metafor 3.8: 'order' is the sort variable
    o$cumul.REML <- list(order = "year ascending (ties keep dataset order; R order() is stable)",
                         order_index = I(as.integer(order(d$year))),
                         estimate = vec(cu$estimate), ci.lb = vec(cu$ci.lb),
                         ci.ub = vec(cu$ci.ub), tau2 = vec(cu$tau2))

    # subgroup analysis by alloc
    g <- d$group; lev <- sort(unique(g))
    per <- lapply(lev, function(l) {
      s <- g == l
      r <- rma(yi[s], vi[s], method = "DL")
      rf <- rma(yi[s], vi[s], method = "FE")
      list(b = num(r$b), se = num(r$se), tau2 = num(r$tau2), k = num(r$k),
           QE_FE = num(rf$QE), b_FE = num(rf$b), se_FE = num(rf$se))
    })
    names(per) <- lev
    bg <- sapply(per, `[[`, "b"); sg <- sapply(per, `[[`, "se")
    between <- rma(yi = bg, sei = sg, method = "FE")
    Qtot <- rma(yi, vi, method = "FE")$QE
    Qwithin <- sum(sapply(per, `[[`, "QE_FE"))
    Qb_fe <- Qtot - Qwithin
    dfb <- length(lev) - 1
    o$subgroup <- list(
      variable = "alloc", levels = I(lev), groups = per,
      test_random = list(how = "rma(yi=b_g, sei=se_g, method='FE')$QE on DL subgroup estimates (RevMan)",
                         Q = num(between$QE), df = dfb, pval = num(between$QEp)),
      test_fixed = list(how = "QE(total FE) - sum QE(FE within groups)",
                        Q = Qb_fe, Q_total = Qtot, Q_within = Qwithin, df = dfb,
                        pval = pchisq(Qb_fe, dfb, lower.tail = FALSE))
    )
  }
  o
}

results <- list()
for (nm in names(datasets)) {
  d <- datasets[[nm]]
  results[[nm]] <- setNames(lapply(measures, function(m) one_measure(nm, d, m)), measures)
}

zero_studies <- list()
for (nm in c("egger2001", "nielweise2007")) {
  d <- datasets[[nm]]
  zero_studies[[nm]] <- list(
    any_zero = I(as.integer(which(d$ai == 0 | d$ci == 0 | d$ai == d$n1i | d$ci == d$n2i))),
    double_zero = I(as.integer(which(d$ai == 0 & d$ci == 0))),
    double_full = I(as.integer(which(d$ai == d$n1i & d$ci == d$n2i)))
  )
}

# ---------------------------------------------------------------- rpact
info_sets <- list(c(0.25, 0.5, 0.75, 1), c(0.1, 0.4, 1), c(0.3, 0.6, 1),
                  c(0.2, 0.45, 0.7, 0.9, 1), c(0.5, 1))
rp <- list()
for (ir in info_sets) {
  key <- paste(ir, collapse = ",")
  d1 <- getDesignGroupSequential(typeOfDesign = "asOF", alpha = 0.025, sided = 1,
                                 informationRates = ir)
  d2 <- getDesignGroupSequential(typeOfDesign = "asOF", alpha = 0.025, beta = 0.2, sided = 1,
                                 typeBetaSpending = "bsOF", bindingFutility = FALSE,
                                 informationRates = ir)
  ch <- getDesignCharacteristics(d2)
  d3 <- getDesignGroupSequential(typeOfDesign = "asOF", alpha = 0.05, sided = 2,
                                 informationRates = ir)
  rp[[key]] <- list(
    informationRates = vec(ir),
    asOF = list(criticalValues = vec(d1$criticalValues), alphaSpent = vec(d1$alphaSpent),
                stageLevels = vec(d1$stageLevels)),
    asOF_bsOF = list(criticalValues = vec(d2$criticalValues),
                     futilityBounds = vec(d2$futilityBounds),
                     alphaSpent = vec(d2$alphaSpent), betaSpent = vec(d2$betaSpent),
                     inflationFactor = num(ch$inflationFactor), shift = num(ch$shift)),
    asOF_two_sided = list(criticalValues = vec(d3$criticalValues),
                          alphaSpent = vec(d3$alphaSpent))
  )
}

# ---------------------------------------------------------------- write
out <- list(
  generated_by = "tests/reference/meta.R",
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  metadat_version = as.character(packageVersion("metadat")),
  rpact_version = as.character(packageVersion("rpact")),
  dataset_names = I(names(datasets)),
  dataset_sources = list(bcg = "metadat::dat.bcg", egger2001 = "metadat::dat.egger2001",
                         hine1989 = "metadat::dat.hine1989",
                         nielweise2007 = "metadat::dat.nielweise2007",
                         etass_tests = "hand-entered (ETASS 2013, TESTS 2025)"),
  escalc_defaults = list(add = ESC_ADD, to = ESC_TO, drop00 = ESC_DROP00, vtype = "LS"),
  rma_defaults = list(test = "z", level = 95, confint_tau2 = "Q-profile (confint default)",
                      pi = "predict(): normal quantile under test='z'; t(k-1) under knha/adhoc"),
  mh_defaults = list(add = 1/2, to = "only0", drop00 = TRUE,
                     as_stored = "add = c(1/2, 0), to = c('only0', 'none'), drop00 = c(TRUE, FALSE)",
                     note = paste("rma.mh/rma.peto expand add/to/drop00 to length 2: the first",
                                  "element applies to the per-study yi/vi (and hence QE, whose df",
                                  "= k.yi - 1 excludes double-zero studies), the second to the",
                                  "pooled estimate itself, which uses all k tables with no",
                                  "correction (double-zero tables contribute nothing for OR/RR",
                                  "but carry MH weight for RD)")),
  peto_defaults = list(add = 1/2, to = "only0", drop00 = TRUE,
                       as_stored = "add = c(1/2, 0), to = c('only0', 'none'), drop00 = c(TRUE, FALSE)"),
  knha_adhoc_how = paste("metafor 3.8-1 test='adhoc' (knha with max(1, q));",
                         "cross-checked by formula in knha_adhoc_formula.<method>"),
  datasets = results,
  zero_studies = zero_studies,
  rpact = rp
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null", null = "null"),
           file.path(out_dir, "meta.json"))
cat("wrote", file.path(out_dir, "meta.json"), "and", length(datasets), "datasets\n")
