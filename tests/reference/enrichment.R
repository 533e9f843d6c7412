# Reference operating characteristics of two-stage adaptive enrichment designs with a binary
# endpoint (tests/test_enrichment_adaptive.py), from rpact's getSimulationEnrichmentRates.
# Run from the project root:
#   Rscript tests/reference/enrichment.R
# Needs R with rpact 3.3.4 and jsonlite (Debian: apt-get install r-cran-rpact r-cran-jsonlite);
# takes about 15 minutes. CI never runs this script; it reads the pinned JSON.
#
# One subgroup S (prevalence 0.4) and its complement R; the full population F = S + R; 1:1
# randomisation; 28-day mortality (lower is better: directionUpper = FALSE); 400 patients at
# the interim, 1000 in all. Four scenarios (control risk 0.30 in S and R): the global null;
# an effect only in S; the same effect in S and R; a larger effect in S. Twelve designs vary
# the intersection test, stratification, the selection rule, futility and early efficacy.
suppressMessages({library(rpact); library(jsonlite)})
iterations <- 20000L
scenarios <- list(
  list(name = "global null", treat = c(0.30, 0.30)),
  list(name = "effect only in S", treat = c(0.22, 0.30)),
  list(name = "equal effect", treat = c(0.24, 0.24)),
  list(name = "larger effect in S", treat = c(0.21, 0.27))
)
configs <- list(
  list(id = "simes_strat_best", intersection = "Simes", stratified = TRUE, selection = "best"),
  list(id = "simes_unstrat_best", intersection = "Simes", stratified = FALSE, selection = "best"),
  list(id = "bonferroni_strat_best", intersection = "Bonferroni", stratified = TRUE, selection = "best"),
  list(id = "sidak_strat_best", intersection = "Sidak", stratified = TRUE, selection = "best"),
  list(id = "simes_strat_epsilon", intersection = "Simes", stratified = TRUE, selection = "epsilon", epsilon = 0.02),
  list(id = "simes_strat_all", intersection = "Simes", stratified = TRUE, selection = "all"),
  list(id = "simes_strat_best_futility", intersection = "Simes", stratified = TRUE, selection = "best", futility = 0),
  list(id = "bonferroni_unstrat_epsilon_futility", intersection = "Bonferroni", stratified = FALSE, selection = "epsilon", epsilon = 0.02, futility = 0),
  list(id = "simes_strat_best_obf", intersection = "Simes", stratified = TRUE, selection = "best", design = "asOF"),
  list(id = "sidak_unstrat_all_futility", intersection = "Sidak", stratified = FALSE, selection = "all", futility = 0.5),
  list(id = "simes_strat_best_threshold", intersection = "Simes", stratified = TRUE, selection = "best", threshold = 0),
  list(id = "bonferroni_strat_best_obf_futility", intersection = "Bonferroni", stratified = TRUE, selection = "best", design = "asOF", futility = 0)
)
effect <- list(subGroups = c("S", "R"), prevalences = c(0.4, 0.6), piControls = c(0.30, 0.30),
               piTreatments = do.call(rbind, lapply(scenarios, function(s) s$treat)))
one <- function(cfg) {
  futility <- if (is.null(cfg$futility)) NA_real_ else cfg$futility
  design <- getDesignInverseNormal(kMax = 2, alpha = 0.025, informationRates = c(0.4, 1),
                                   typeOfDesign = if (is.null(cfg$design)) "noEarlyEfficacy" else cfg$design,
                                   futilityBounds = futility, bindingFutility = FALSE)
  sim <- suppressWarnings(getSimulationEnrichmentRates(
    design, plannedSubjects = c(400, 1000), effectList = effect, directionUpper = FALSE,
    intersectionTest = cfg$intersection, stratifiedAnalysis = cfg$stratified,
    typeOfSelection = cfg$selection,
    epsilonValue = if (is.null(cfg$epsilon)) NA_real_ else cfg$epsilon,
    threshold = if (is.null(cfg$threshold)) -Inf else cfg$threshold,
    maxNumberOfIterations = iterations, seed = 20261204))
  rej <- sim$rejectedPopulationsPerStage  # stage x scenario x population (S, F)
  sel <- sim$selectedPopulations
  list(config = cfg, critical_values = design$criticalValues,
       futility_bounds = design$futilityBounds,
       scenarios = lapply(seq_along(scenarios), function(i) list(
         name = scenarios[[i]]$name,
         reject_at_least_one = sim$rejectAtLeastOne[i],
         reject_s = sum(rej[, i, 1]), reject_f = sum(rej[, i, 2]),
         select_s = sel[2, i, 1], select_f = sel[2, i, 2],
         early_stop = sim$earlyStop[1, i], futility_stop = sim$futilityStop[i],
         expected_n = sim$expectedNumberOfSubjects[i])))
}
out <- list(generated_by = "tests/reference/enrichment.R",
            rpact_version = as.character(packageVersion("rpact")),
            iterations = iterations, prevalence = 0.4, control = c(0.30, 0.30),
            planned_subjects = c(400, 1000), alpha = 0.025, information_rates = c(0.4, 1),
            scenarios = scenarios,
            note = paste("probabilities over all iterations; select_s/select_f: selected for stage 2",
                         "(0 when the trial stopped at the interim); expected_n: expected total subjects"),
            designs = lapply(configs, one))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/enrichment.json")
