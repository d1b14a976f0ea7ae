# rstan side of `npm run bench`: compile each model once, sample it once per seed, and write
# the timings and the minimum bulk ESS as JSON for bench/rstan.ts to read.
# usage: Rscript bench/rstan.R CONFIG.json OUT.json
# CONFIG: {"chains": 4, "warmup": 1000, "samples": 1000, "seeds": [1, 2, 3],
#          "models": [{"name": ..., "stan": "old-syntax.stan", "data": "data.json", "reuse": false}]}
suppressMessages({
  library(rstan)
  library(jsonlite)
  library(posterior)
})
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript rstan.R CONFIG.json OUT.json")
config <- fromJSON(args[1], simplifyVector = TRUE, simplifyDataFrame = FALSE)
# A model with `reuse` is saved next to its .stan file once compiled (auto_write) and loaded from
# there by later runs, so one seed per run does not mean one compilation per seed.
rstan_options(auto_write = isTRUE(config$models[[1]]$reuse))

# CPU seconds of R and its children (the C++ compiler; the sampler itself runs in R with cores = 1).
cpu_seconds <- function(t) unname(sum(t[c("user.self", "sys.self", "user.child", "sys.child")], na.rm = TRUE))

one_run <- function(m, data, seed) {
  t <- system.time(fit <- sampling(m, data = data, chains = config$chains, iter = config$warmup + config$samples,
    warmup = config$warmup, cores = 1, refresh = 0, seed = seed))
  elapsed <- get_elapsed_time(fit)  # chains x (warmup, sample), seconds
  params <- get_sampler_params(fit, inc_warmup = TRUE)
  leapfrogs <- sum(sapply(params, function(p) sum(p[, "n_leapfrog__"])))
  divergent <- sum(sapply(params, function(p) sum(p[-seq_len(config$warmup), "divergent__"])))
  draws <- as_draws_array(as.array(fit))  # post-warmup draws of every variable, lp__ included
  draws <- subset_draws(draws, variable = setdiff(variables(draws), "lp__"))
  ess <- summarise_draws(draws, "ess_bulk")
  k <- which.min(ess$ess_bulk)
  list(
    seed = seed,
    samplingSeconds = unname(t[["elapsed"]]),
    samplingCpuSeconds = cpu_seconds(t),
    warmupPhaseSeconds = sum(elapsed[, "warmup"]),
    samplingPhaseSeconds = sum(elapsed[, "sample"]),
    leapfrogs = leapfrogs,
    divergences = divergent,
    minEssBulk = ess$ess_bulk[k],
    minEssVariable = ess$variable[k]
  )
}

results <- list()
for (spec in config$models) {
  data <- fromJSON(spec$data, simplifyVector = TRUE)
  t <- system.time(m <- suppressMessages(stan_model(spec$stan, model_name = spec$name)))
  runs <- lapply(config$seeds, function(seed) one_run(m, data, seed))
  results[[length(results) + 1]] <- list(
    name = spec$name, compileSeconds = unname(t[["elapsed"]]), compileCpuSeconds = cpu_seconds(t), runs = runs
  )
}
write_json(list(rstan = as.character(packageVersion("rstan")), models = results), args[2],
  auto_unbox = TRUE, digits = NA, pretty = TRUE)
