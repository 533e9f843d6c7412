# Reference values for expected sample size and power of group-sequential designs
# (tests/test_group_sequential.py). Run from the project root:
#   Rscript tests/reference/group_sequential.R
# Needs R with rpact and jsonlite (Debian: apt-get install r-cran-rpact r-cran-jsonlite).
# CI never runs this script; it reads the pinned JSON.
suppressMessages({library(rpact); library(jsonlite)})
rates <- list(c(1/3, 2/3, 1), c(0.25, 0.5, 0.75, 1), c(0.5, 1))
one <- function(r) {
  d <- getDesignGroupSequential(typeOfDesign = "asOF", alpha = 0.025, beta = 0.2, sided = 1, informationRates = r)
  ch <- getDesignCharacteristics(d)
  d2 <- getDesignGroupSequential(typeOfDesign = "asOF", alpha = 0.025, beta = 0.2, sided = 1,
                                 typeBetaSpending = "bsOF", bindingFutility = FALSE, informationRates = r)
  ch2 <- getDesignCharacteristics(d2)
  list(informationRates = r,
       efficacy_only = list(inflation = ch$inflationFactor, shift = ch$shift, asn1 = ch$averageSampleNumber1,
                            asn0 = ch$averageSampleNumber0, power = ch$power),
       with_futility = list(inflation = ch2$inflationFactor, shift = ch2$shift, asn1 = ch2$averageSampleNumber1,
                            asn0 = ch2$averageSampleNumber0, power = ch2$power))
}
out <- list(generated_by = "tests/reference/group_sequential.R", rpact_version = as.character(packageVersion("rpact")),
            note = "asn0/asn1: expected sample size under H0/H1 relative to the fixed-design sample size; power: cumulative",
            designs = lapply(rates, one))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/group_sequential.json")
