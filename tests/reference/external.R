# metafor and rpact reference values for the external data suite
# (tests/test_external_reference.py).
#
# Run from the project root, after tests/reference/datasets.R:
#   Rscript tests/reference/external.R
# Needs R (>= 4.2) with metafor (3.8-1), rpact (3.3.4) and jsonlite. It reads the trials-format
# files in tests/reference/datasets/ (the same files the tests read) and writes
#   tests/reference/external.json
# CI never runs this script; the tests read only the pinned JSON. Re-run it by hand only when
# the data sets or the reference versions change, and commit the output.
#
# Sections of the JSON:
#   datasets      per data set and measure (RR, OR, RD): escalc yi/vi; common effect (IV),
#                 Mantel-Haenszel, Peto (OR); random effects DL, REML, ML, PM, SJ, HE, each with
#                 test = "z", "knha" and "adhoc"; Egger's regtest(model = "lm"); cumul() in file
#                 and year order and leave1out() for REML + knha and DL + z; the rows metafor
#                 dropped or corrected
#   likelihood    (restricted) likelihoods whose global maximum is interior although the score
#                 at tau2 = 0 is negative, with the grid maximum and metafor's estimate
#   rpact         beta-spending futility designs, boundaries at intermediate information
#                 fractions, and the ETASS + TESTS random-effects Z statistics
suppressMessages({library(metafor); library(rpact); library(jsonlite)})

out_dir <- file.path("tests", "reference")
ds_dir <- file.path(out_dir, "datasets")
DATASETS <- c("bcg", "lau1992", "hahn2001", "fine1993", "linde2005", "cannon2006")
MEASURES <- c("RR", "OR", "RD")
TAU2_METHODS <- c("DL", "REML", "ML", "PM", "SJ", "HE")
TESTS <- c("z", "knha", "adhoc")   # metafor 3.8-1 supports test = "adhoc" (knha with max(1, q))

# escalc defaults (metafor 3.8-1): add = 1/2, to = "only0", drop00 = FALSE, vtype = "LS"
ESC_ADD <- 1/2; ESC_TO <- "only0"; ESC_DROP00 <- FALSE
# Iterative tau^2 estimators to full precision (as in meta.R): metafor's defaults stop Fisher
# scoring at a change of 1e-5 in tau^2, too coarse for risk differences.
CTRL <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-14)

# ---------------------------------------------------------------- helpers
vec <- function(x) I(as.numeric(x))            # always a JSON array
num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x)[1]
idx <- function(x) I(as.integer(which(x)))     # 1-based row numbers, always an array
safe <- function(expr) tryCatch(expr, error = function(e) NULL)
quiet <- function(expr) suppressWarnings(expr)

read_trials <- function(name) {
  d <- read.csv(file.path(ds_dir, paste0(name, "_trials.csv")), stringsAsFactors = FALSE,
                na.strings = "")
  data.frame(study = d$study, year = as.integer(d$year), ai = d$events_trt, n1i = d$n_trt,
             ci = d$events_ctl, n2i = d$n_ctl, stringsAsFactors = FALSE)
}

# (restricted) log-likelihood of the random-effects model without its constant terms:
# ML: -1/2 sum log(v + t) - 1/2 sum w (y - mu)^2; REML adds -1/2 log sum w (w = 1/(v + t))
ll_closed <- function(t, y, v, method) {
  w <- 1 / (v + t); mu <- sum(w * y) / sum(w)
  ll <- -0.5 * sum(log(v + t)) - 0.5 * sum(w * (y - mu)^2)
  if (method == "REML") ll <- ll - 0.5 * log(sum(w))
  ll
}
score_at_0 <- function(y, v, method) {
  w <- 1 / v; mu <- sum(w * y) / sum(w)
  s <- sum(w^2 * (y - mu)^2) - sum(w)
  if (method == "REML") s <- s + sum(w^2) / sum(w)
  s
}
# Global maximum over [0, inf): a log-spaced grid of GRID_N points from 1e-6 * min(v) to
# 100 * (max(v) + var(y)) (the likelihood falls to -inf beyond), plus tau2 = 0; every interior
# local maximum of the grid is refined with optimize() between its neighbours.
GRID_N <- 20001
global_max <- function(y, v, method) {
  top <- 100 * (max(v) + if (length(y) > 1) var(y) else 0)
  grid <- c(0, exp(seq(log(1e-6 * min(v)), log(top), length.out = GRID_N)))
  ll <- vapply(grid, ll_closed, 0, y = y, v = v, method = method)
  cand <- data.frame(t = 0, ll = ll[1])
  n <- length(grid)
  loc <- which(ll[2:(n - 1)] >= ll[1:(n - 2)] & ll[2:(n - 1)] >= ll[3:n]) + 1
  for (i in loc) {
    o <- optimize(function(t) ll_closed(t, y, v, method), c(grid[i - 1], grid[i + 1]),
                  maximum = TRUE, tol = 1e-15)
    cand <- rbind(cand, data.frame(t = o$maximum, ll = o$objective))
  }
  best <- cand[which.max(cand$ll), ]
  list(tau2 = best$t, ll_gain = best$ll - ll[1], n_local_maxima_interior = length(loc))
}
same_tau2 <- function(a, b) abs(a - b) <= 1e-6 * max(1, abs(b)) + 1e-9

fit_fields <- function(res) {
  list(b = num(res$b), se = num(res$se), zval = num(res$zval), pval = num(res$pval),
       ci.lb = num(res$ci.lb), ci.ub = num(res$ci.ub), tau2 = num(res$tau2),
       I2 = num(res$I2), H2 = num(res$H2), QE = num(res$QE), QEp = num(res$QEp),
       k = num(res$k), test = res$test)
}
pi_fields <- function(res) {
  p <- safe(predict(res))
  list(pi.lb = if (is.null(p)) NA_real_ else num(p$pi.lb),
       pi.ub = if (is.null(p)) NA_real_ else num(p$pi.ub))
}
# Q-profile interval solved to 1e-12 (confint's default uniroot tolerance leaves errors of
# ~1e-5 in the limits)
CI_CTRL <- list(tol = 1e-12, maxiter = 10000)
tau2_ci <- function(res) {
  ci <- try(confint(res, control = CI_CTRL)$random["tau^2", ], silent = TRUE)
  if (inherits(ci, "try-error")) return(list(tau2.ci.lb = NA_real_, tau2.ci.ub = NA_real_))
  list(tau2.ci.lb = num(ci[["ci.lb"]]), tau2.ci.ub = num(ci[["ci.ub"]]))
}

re_block <- function(yi, vi, method, test) {
  res <- safe(quiet(rma(yi, vi, method = method, test = test, control = CTRL)))
  if (is.null(res)) return(NULL)
  f <- c(fit_fields(res), pi_fields(res), tau2_ci(res))
  if (method %in% c("ML", "REML")) {
    g <- global_max(yi, vi, method)
    f$score_at_0 <- score_at_0(yi, vi, method)
    f$tau2_global <- g$tau2
    f$global_max_ok <- same_tau2(f$tau2, g$tau2)
  }
  f
}

rows_fields <- function(x, res, kind) {
  o <- list(estimate = vec(x$estimate), se = vec(x$se), ci.lb = vec(x$ci.lb),
            ci.ub = vec(x$ci.ub), pval = vec(x$pval), tau2 = vec(x$tau2), I2 = vec(x$I2))
  o
}

# Global-maximum check of every REML/ML refit of a cumulative or leave-one-out analysis:
# the rows where metafor's tau2 is not the global maximum of the (restricted) likelihood.
row_global_check <- function(yi, vi, method, subsets, tau2) {
  bad <- list()
  for (j in seq_along(subsets)) {
    s <- subsets[[j]]
    if (length(s) < 2) next
    g <- global_max(yi[s], vi[s], method)
    if (!same_tau2(tau2[j], g$tau2))
      bad[[length(bad) + 1]] <- list(row = j, k = length(s), metafor_tau2 = tau2[j],
                                     tau2_global = g$tau2, ll_gain_over_0 = g$ll_gain)
  }
  bad
}

cumul_block <- function(yi, vi, method, test, ord, ord_label) {
  res <- quiet(rma(yi, vi, method = method, test = test, control = CTRL))
  cu <- if (is.null(ord)) quiet(cumul(res)) else quiet(cumul(res, order = ord))
  perm <- if (is.null(ord)) seq_along(yi) else order(ord)   # R's order() is stable
  o <- c(list(order = ord_label, order_index = I(as.integer(perm)),
              k = I(seq_along(yi))), rows_fields(cu, res))
  if (method %in% c("ML", "REML"))
    o$global_max_mismatch <- row_global_check(yi, vi, method,
                                              lapply(seq_along(perm), function(j) perm[1:j]),
                                              cu$tau2)
  o
}

loo_block <- function(yi, vi, method, test) {
  res <- quiet(rma(yi, vi, method = method, test = test, control = CTRL))
  l <- quiet(leave1out(res))
  o <- rows_fields(l, res)
  if (method %in% c("ML", "REML"))
    o$global_max_mismatch <- row_global_check(yi, vi, method,
                                              lapply(seq_along(yi), function(j) seq_along(yi)[-j]),
                                              l$tau2)
  o
}

regtest_fields <- function(yi, vi) {
  fe <- rma(yi, vi, method = "FE")
  r <- safe(regtest(fe, model = "lm", predictor = "sei"))
  if (is.null(r)) return(NULL)
  sm <- summary(r$fit)$coefficients
  list(model = "lm", predictor = "sei", k = length(yi), k_below_10 = length(yi) < 10,
       zval = num(r$zval), pval = num(r$pval), dfs = num(r$dfs),
       limit_estimate = num(r$est), limit_ci.lb = num(r$ci.lb), limit_ci.ub = num(r$ci.ub),
       egger_bias = num(coef(r$fit)[2]), egger_bias_se = num(sm[2, 2]))
}

# ---------------------------------------------------------------- meta-analyses
one_measure <- function(d, measure) {
  es <- escalc(measure = measure, ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i,
               add = ESC_ADD, to = ESC_TO, drop00 = ESC_DROP00)
  yi <- as.numeric(es$yi); vi <- as.numeric(es$vi)
  stopifnot(all(is.finite(yi)), all(is.finite(vi)), all(vi > 0))
  o <- list(yi = vec(yi), vi = vec(vi))
  o$FE <- fit_fields(rma(yi, vi, method = "FE"))
  for (m in TAU2_METHODS) for (tst in TESTS) o[[paste0(m, ".", tst)]] <- re_block(yi, vi, m, tst)

  mh <- safe(quiet(rma.mh(ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i, measure = measure)))
  if (!is.null(mh)) {
    o$MH <- list(b = num(mh$b), se = num(mh$se), zval = num(mh$zval), pval = num(mh$pval),
                 ci.lb = num(mh$ci.lb), ci.ub = num(mh$ci.ub), QE = num(mh$QE),
                 QEp = num(mh$QEp), I2 = num(mh$I2), H2 = num(mh$H2), k = num(mh$k),
                 k.yi = num(mh$k.yi), QE_df = num(mh$k.yi) - 1,
                 rows_not_in_Q = idx(is.na(mh$yi.f)),
                 note = paste("rma.mh defaults: drop00 = c(TRUE, FALSE): rows with no events",
                              "(or only events) in both arms are left out of yi/vi and Q, but",
                              "the pooled estimate uses all k tables without correction"))
    dz <- (d$ai == 0 & d$ci == 0) | (d$ai == d$n1i & d$ci == d$n2i)
    if (any(dz) && measure != "RD") {
      mh2 <- quiet(rma.mh(ai = d$ai[!dz], n1i = d$n1i[!dz], ci = d$ci[!dz], n2i = d$n2i[!dz],
                          measure = measure))
      o$MH_without_double_rows <- list(
        rows_removed = idx(dz), b = num(mh2$b), se = num(mh2$se),
        note = "rma.mh on the tables without double-zero/double-full rows (for comparison)")
    }
  }
  if (measure == "OR") {
    pt <- safe(quiet(rma.peto(ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i)))
    if (!is.null(pt))
      o$Peto <- list(b = num(pt$b), se = num(pt$se), zval = num(pt$zval), pval = num(pt$pval),
                     ci.lb = num(pt$ci.lb), ci.ub = num(pt$ci.ub), QE = num(pt$QE),
                     QEp = num(pt$QEp), I2 = num(pt$I2), H2 = num(pt$H2), k = num(pt$k),
                     k.yi = num(pt$k.yi), rows_not_in_Q = idx(is.na(pt$yi.f)))
  }

  o$regtest <- regtest_fields(yi, vi)

  o$cumul <- list()
  o$leave1out <- list()
  for (mt in list(c("REML", "knha"), c("DL", "z"))) {
    key <- paste0(mt[1], ".", mt[2])
    o$cumul[[key]] <- list(file = cumul_block(yi, vi, mt[1], mt[2], NULL, "file order"))
    if (!anyNA(d$year))
      o$cumul[[key]]$year <- cumul_block(yi, vi, mt[1], mt[2], d$year,
                                         "year ascending, ties in file order (stable)")
    o$leave1out[[key]] <- loo_block(yi, vi, mt[1], mt[2])
  }
  o
}

results <- list(); rows <- list()
for (nm in DATASETS) {
  d <- read_trials(nm)
  results[[nm]] <- setNames(lapply(MEASURES, function(m) one_measure(d, m)), MEASURES)
  zero <- d$ai == 0 | d$ci == 0 | d$ai == d$n1i | d$ci == d$n2i
  rows[[nm]] <- list(
    k = nrow(d), has_year = !anyNA(d$year), study = I(d$study),
    double_zero = idx(d$ai == 0 & d$ci == 0),
    double_full = idx(d$ai == d$n1i & d$ci == d$n2i),
    escalc_corrected = idx(zero),
    escalc_note = "escalc (add = 1/2, to = 'only0', drop00 = FALSE) adds 1/2 to every cell of the escalc_corrected rows and drops none",
    mh_peto_note = "rma.mh and rma.peto (drop00 = TRUE for yi/vi) leave double_zero and double_full rows out of Q (k.yi = k minus those rows)")
}

# ---------------------------------------------------------------- likelihood (section 3)
lik_case <- function(label, source, y, v, method) {
  s0 <- score_at_0(y, v, method)
  g <- global_max(y, v, method)
  fit_ctrl <- quiet(rma(y, v, method = method, control = CTRL))
  fit_def <- quiet(rma(y, v, method = method))
  at <- function(t) as.numeric(logLik(rma(y, v, method = method, tau2 = t)))
  # metafor's logLik and the closed form must differ by the same constant at any tau2
  c0 <- at(0) - ll_closed(0, y, v, method); c1 <- at(g$tau2) - ll_closed(g$tau2, y, v, method)
  stopifnot(abs(c0 - c1) < 1e-9, s0 < 0, g$tau2 > 0, g$ll_gain > 0)
  list(label = label, source = source, method = method, k = length(y), yi = vec(y), vi = vec(v),
       score_at_0 = s0,
       tau2_global = g$tau2, loglik_at_0 = at(0), loglik_at_global = at(g$tau2),
       loglik_gain = at(g$tau2) - at(0), n_interior_local_maxima = g$n_local_maxima_interior,
       grid = sprintf("%d log-spaced points from 1e-6*min(v) to 100*(max(v)+var(y)), plus 0; local maxima refined by optimize()", GRID_N),
       metafor_tau2 = num(fit_ctrl$tau2), metafor_tau2_default_control = num(fit_def$tau2),
       metafor_finds_global = same_tau2(num(fit_ctrl$tau2), g$tau2),
       metafor_loglik = as.numeric(logLik(fit_ctrl)),
       re_at_global = {
         w <- 1 / (v + g$tau2); b <- sum(w * y) / sum(w)
         list(b = b, se = 1 / sqrt(sum(w)))
       })
}
esc <- function(measure, d) {
  e <- escalc(measure = measure, ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i)
  list(y = as.numeric(e$yi), v = as.numeric(e$vi))
}
lau <- esc("OR", read_trials("lau1992"))
bcgd <- read_trials("bcg"); bcg_o <- order(bcgd$year); bcg <- esc("RR", bcgd[bcg_o, ])
eg <- read.csv(file.path(ds_dir, "egger2001.csv"), stringsAsFactors = FALSE)
limit2 <- which(eg$study == "LIMIT-2 1992"); stopifnot(length(limit2) == 1)
egg <- esc("RR", eg[-limit2, ])
likelihood <- list(
  reml_constructed_k3 = lik_case(
    "constructed: two precise agreeing studies and one imprecise distant study", "constructed",
    c(0, 0, 1), c(0.001, 0.001, 0.1), "REML"),
  ml_constructed_k2 = lik_case(
    "constructed: one precise and one imprecise distant study", "constructed",
    c(0, 2), c(0.001, 0.2), "ML"),
  reml_lau1992_or_first21 = lik_case(
    "lau1992 OR, first 21 trials (file order = year order): cumulative meta-analysis row 21",
    "tests/reference/datasets/lau1992_trials.csv rows 1-21, escalc OR",
    lau$y[1:21], lau$v[1:21], "REML"),
  ml_bcg_rr_year_first6 = lik_case(
    "bcg RR, first 6 trials in year order: cumulative meta-analysis row 6",
    "tests/reference/datasets/bcg_trials.csv rows order(year)[1:6], escalc RR",
    bcg$y[1:6], bcg$v[1:6], "ML"),
  ml_egger2001_rr_without_limit2 = lik_case(
    "egger2001 RR without LIMIT-2: leave-one-out row for LIMIT-2 (ISIS-4 then dominates)",
    "tests/reference/datasets/egger2001.csv without LIMIT-2 1992, escalc RR",
    egg$y, egg$v, "ML"))

# ---------------------------------------------------------------- rpact (section 4)
jnum <- function(x) {          # JSON-safe: +-Inf as the strings "Inf"/"-Inf"
  x <- as.numeric(x)
  I(lapply(x, function(z) if (is.infinite(z)) (if (z > 0) "Inf" else "-Inf") else z))
}
FUTILITY_FLOOR <- get("C_FUTILITY_BOUNDS_DEFAULT", asNamespace("rpact"))     # -6
UPPER_DEFAULT <- get("C_UPPER_BOUNDS_DEFAULT", asNamespace("rpact"))         # 8

# (a) non-binding beta-spending designs. meta.json already pins beta = 0.2 for its five
# information-rate sets, so those get beta = 0.1 only; the new sets get both.
OLD_SETS <- list(c(0.25, 0.5, 0.75, 1), c(0.1, 0.4, 1), c(0.3, 0.6, 1),
                 c(0.2, 0.45, 0.7, 0.9, 1), c(0.5, 1))
NEW_SETS <- list(c(0.05, 1), c(0.75, 1), c(0.05, 0.2, 1), c(1/3, 2/3, 1),
                 c(0.05, 0.3, 0.6, 1), (1:6) / 6, c(0.05, 0.1, 0.25, 0.5, 0.75, 1))
design_one <- function(ir, beta) {
  d <- getDesignGroupSequential(typeOfDesign = "asOF", typeBetaSpending = "bsOF",
                                bindingFutility = FALSE, sided = 1, alpha = 0.025, beta = beta,
                                informationRates = ir)
  ch <- getDesignCharacteristics(d)
  list(informationRates = vec(ir), beta = beta, alpha = 0.025,
       criticalValues = jnum(d$criticalValues), futilityBounds = jnum(d$futilityBounds),
       futility_at_rpact_floor = idx(d$futilityBounds <= FUTILITY_FLOOR),
       alphaSpent = vec(d$alphaSpent), betaSpent = vec(d$betaSpent),
       stageLevels = vec(d$stageLevels),
       inflationFactor = num(ch$inflationFactor), shift = num(ch$shift))
}
designs <- list()
for (ir in OLD_SETS) designs[[paste0(paste(ir, collapse = ","), "|beta=0.1")]] <- design_one(ir, 0.1)
for (ir in NEW_SETS) for (b in c(0.1, 0.2))
  designs[[paste0(paste(signif(ir, 6), collapse = ","), "|beta=", b)]] <- design_one(ir, b)

# (b) the efficacy boundary at an intermediate fraction t given fixed earlier looks:
# informationRates = c(earlier, t, 1); a spending-function boundary at t does not depend on
# later looks, so this is the boundary curve drawn between the last look and t = 1.
curve_one <- function(earlier, grid) {
  at_t <- sapply(grid, function(t) {
    d <- getDesignGroupSequential(typeOfDesign = "asOF", alpha = 0.025, sided = 1,
                                  informationRates = c(earlier, t, 1))
    d$criticalValues[length(earlier) + 1]
  })
  d0 <- getDesignGroupSequential(typeOfDesign = "asOF", alpha = 0.025, sided = 1,
                                 informationRates = c(earlier, 1))
  list(earlier = vec(earlier), earlier_boundaries = jnum(d0$criticalValues[seq_along(earlier)]),
       final_boundary_without_t = num(d0$criticalValues[length(earlier) + 1]),
       t = vec(grid), boundary_at_t = jnum(at_t))
}
curves <- list(
  "0.05,0.2" = curve_one(c(0.05, 0.2), c(seq(0.25, 0.95, by = 0.05), 0.99)),
  "0.3,0.6" = curve_one(c(0.3, 0.6), c(seq(0.65, 0.95, by = 0.05), 0.99)),
  "0.1" = curve_one(0.1, c(0.15, 0.2, 0.3, 0.5, 0.7, 0.9)))

# (c) ETASS 47/181 vs 63/180 and TESTS 127/542 vs 132/547: DerSimonian-Laird pooled log effect,
# SE and Z (test = "z") and the Hartung-Knapp-Sidik-Jonkman version, per measure; the
# cumulative (trial 1, trials 1-2) DL Z statistics
two <- data.frame(study = c("ETASS", "TESTS"), ai = c(47, 127), n1i = c(181, 542),
                  ci = c(63, 132), n2i = c(180, 547))
two_trials <- list()
for (m in c("OR", "RR")) {
  e <- esc(m, two)
  z <- rma(e$y, e$v, method = "DL", test = "z")
  k <- rma(e$y, e$v, method = "DL", test = "knha")
  cz <- quiet(cumul(z))
  two_trials[[m]] <- list(
    yi = vec(e$y), vi = vec(e$v), tau2 = num(z$tau2),
    z = list(b = num(z$b), se = num(z$se), zval = num(z$zval), pval = num(z$pval),
             ci.lb = num(z$ci.lb), ci.ub = num(z$ci.ub)),
    knha = list(b = num(k$b), se = num(k$se), tval = num(k$zval), pval = num(k$pval),
                df = 1, ci.lb = num(k$ci.lb), ci.ub = num(k$ci.ub)),
    cumulative_z = list(estimate = vec(cz$estimate), se = vec(cz$se),
                        zval = vec(cz$estimate / cz$se)))
}

# ---------------------------------------------------------------- write
out <- list(
  generated_by = "tests/reference/external.R (data sets by tests/reference/datasets.R)",
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  rpact_version = as.character(packageVersion("rpact")),
  dataset_names = I(DATASETS),
  dataset_files = setNames(as.list(paste0("tests/reference/datasets/", DATASETS, "_trials.csv")),
                           DATASETS),
  escalc_defaults = list(add = ESC_ADD, to = ESC_TO, drop00 = ESC_DROP00, vtype = "LS"),
  rma_control = CTRL,
  conventions = list(
    scale = "b, ci, estimate: log scale for RR/OR, raw for RD; I2 in percent",
    tests = "z: Wald; knha: Hartung-Knapp (t, k-1 df); adhoc: knha with max(1, q) (metafor 3.8-1 test = 'adhoc')",
    tau2_ci = "confint(control = list(tol = 1e-12)): Q-profile (same for every test)",
    pi = "predict(): normal quantile under test = 'z'; t(k-1) under knha/adhoc",
    k1 = "cumul row 1 (k = 1): metafor switches to test = 'z' and reports tau2 = 0, I2 = 0, H2 = 1",
    global_max = "ML/REML fits: tau2_global is the maximiser of the (restricted) likelihood over [0, inf) found on a fine grid; global_max_ok says whether metafor's tau2 equals it (within 1e-6 relative)"),
  rows = rows,
  datasets = results,
  likelihood = likelihood,
  rpact = list(
    futility_floor = FUTILITY_FLOOR, upper_bound_default = UPPER_DEFAULT,
    note = paste("rpact 3.3.4 reports an efficacy boundary as Inf where the alpha spent at that",
                 "look is negligible (O'Brien-Fleming at t = 0.05), and never puts a futility",
                 "bound below C_FUTILITY_BOUNDS_DEFAULT = -6 (a bound at -6 means none)"),
    designs = designs, boundary_curves = curves, etass_tests = two_trials)
)
txt <- as.character(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null",
                          null = "null"))
# keep arrays of numbers on one line (the file stays readable and diffable); the compacted
# text must parse to exactly the same object
ARRAY <- "\\[\\s*(?:[-0-9.eE+]+|null|\"-?Inf\")(?:,\\s*(?:[-0-9.eE+]+|null|\"-?Inf\"))*\\s*\\]"
m <- gregexpr(ARRAY, txt, perl = TRUE)
regmatches(txt, m) <- lapply(regmatches(txt, m), function(a) gsub(",", ", ", gsub("\\s+", "", a)))
stopifnot(identical(fromJSON(txt), fromJSON(toJSON(out, auto_unbox = TRUE, digits = NA,
                                                   na = "null", null = "null"))))
writeLines(txt, file.path(out_dir, "external.json"))
cat("wrote", file.path(out_dir, "external.json"), "\n")
