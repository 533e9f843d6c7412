# Reference values for the two-by-two statistics core (tests/test_binary.py, test_sample_size.py).
# Run from the project root:  Rscript tests/reference/two_by_two.R
# Needs R with metafor and jsonlite (Debian: apt-get install r-cran-metafor r-cran-jsonlite).
# CI never runs this script; it reads the pinned JSON it wrote.
suppressMessages({library(metafor); library(jsonlite)})

tables <- list(
  etass_28d      = c(47, 181, 63, 180),
  etass_hospital = c(52, 181, 71, 180),
  etass_icu      = c(35, 181, 48, 180),
  tests_28d      = c(127, 542, 132, 547),
  small_uneven   = c(3, 50, 12, 48),
  small_even     = c(15, 30, 5, 30)
)

one <- function(x) {
  a <- x[1]; n1 <- x[2]; c <- x[3]; n2 <- x[4]
  m <- matrix(c(a, n1 - a, c, n2 - c), nrow = 2, byrow = TRUE)
  ci <- function(measure) {
    es <- escalc(measure = measure, ai = a, n1i = n1, ci = c, n2i = n2)
    s <- summary(es)
    list(yi = as.numeric(es$yi), vi = as.numeric(es$vi),
         lower = as.numeric(s$ci.lb), upper = as.numeric(s$ci.ub))
  }
  list(
    wilson_trt = as.numeric(prop.test(a, n1, correct = FALSE)$conf.int),
    wilson_ctl = as.numeric(prop.test(c, n2, correct = FALSE)$conf.int),
    chisq = unname(chisq.test(m, correct = FALSE)$statistic),
    chisq_p = chisq.test(m, correct = FALSE)$p.value,
    yates = unname(chisq.test(m, correct = TRUE)$statistic),
    yates_p = chisq.test(m, correct = TRUE)$p.value,
    fisher_p = fisher.test(m)$p.value,
    RR = ci("RR"), OR = ci("OR"), RD = ci("RD")
  )
}

out <- list(
  generated_by = "tests/reference/two_by_two.R",
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  tables = lapply(tables, one),
  power_prop_test = list(
    etass_plan_n = power.prop.test(p1 = 0.50, p2 = 0.35, sig.level = 0.05, power = 0.80)$n,
    power_35_to_20_n180 = power.prop.test(n = 180, p1 = 0.35, p2 = 0.20, sig.level = 0.05)$power,
    power_35_to_245_n180 = power.prop.test(n = 180, p1 = 0.35, p2 = 0.245, sig.level = 0.05)$power,
    n_30_to_20_alpha01_power90 = power.prop.test(p1 = 0.30, p2 = 0.20, sig.level = 0.01, power = 0.90)$n
  )
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/two_by_two.json")
