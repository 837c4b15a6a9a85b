# Oracle numbers for Moda's complex-survey estimates, computed with R's `survey` package.
#
# Run from the repository root (or anywhere; paths are resolved relative to this script):
#     Rscript tests/oracles/survey_oracle.R               # reads design.csv / lonely.csv, writes expected.csv
#     Rscript tests/oracles/survey_oracle.R --regenerate  # also rewrites design.csv and lonely.csv first
#
# Outputs (all in tests/oracles/):
#   expected.csv                    design,domain,measure,k,estimate,se,ciLow,ciHigh (17 significant digits)
#   g_subbootstrap_counts.csv       resampling counts m_{r,psu} behind the g_subbootstrap rows
#   g_bootstrap_counts.csv          resampling counts m_{r,psu} behind the g_bootstrap rows
#
# Definitions (equal weights, d = 4, c_i = s_i/4, s_i = d1+d2+d3+d4): see README.md.

suppressMessages(library(survey))

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/oracles"
regenerate <- "--regenerate" %in% commandArgs(trailingOnly = TRUE)

design_csv <- file.path(out_dir, "design.csv")
lonely_csv <- file.path(out_dir, "lonely.csv")

# ---------------------------------------------------------------------------------------------
# 1. Fixture (deterministic). The committed CSVs are the source of truth; the generator is only
#    run when they are missing or with --regenerate.
# ---------------------------------------------------------------------------------------------
generate_fixture <- function() {
  RNGversion("4.0.0")           # Mersenne-Twister, Inversion, Rejection sampling
  set.seed(20260101)
  npsu   <- c(4L, 6L, 8L, 5L, 7L)          # PSUs per stratum (30 in all)
  popPsu <- c(40L, 50L, 60L, 70L, 80L)     # fpc: PSUs in the stratum population
  # County of each PSU, fixed so that every county appears in several strata and
  # some strata have a single PSU of a county (domain-lonely case for county domains).
  countyOf <- list(c("A", "A", "B", "C"),
                   c("A", "B", "B", "C", "C", "A"),
                   c("A", "B", "C", "A", "B", "C", "A", "B"),
                   c("C", "C", "A", "B", "C"),
                   c("A", "B", "C", "A", "B", "C", "C"))
  rows <- list()
  id <- 0L
  for (h in 1:5) {
    for (j in 1:npsu[h]) {
      psu <- h * 100L + j
      m <- sample(7:13, 1)
      a <- rnorm(1, 0, 0.6)                # PSU effect (clustering)
      base <- runif(1, 40, 250)            # PSU base weight
      for (i in 1:m) {
        id <- id + 1L
        age <- sample(0:17, 1)
        b <- rnorm(1, 0, 0.8)              # child effect (correlation between dimensions)
        thr <- c(0.18, 0.545, 0.954, 1.29) # ~45%, 35%, 25%, 18%
        d <- as.integer(a + b + rnorm(4) > thr)
        w <- round(min(300, max(20, base * runif(1, 0.8, 1.25))), 2)
        income <- round(exp(rnorm(1, 7 - 0.25 * sum(d), 0.6)), 2)
        rows[[id]] <- data.frame(id = id, stratum = h, psu = psu, weight = w, age = age,
                                 county = countyOf[[h]][j], d1 = d[1], d2 = d[2], d3 = d[3],
                                 d4 = d[4], fpc = popPsu[h], income = income)
      }
    }
  }
  df <- do.call(rbind, rows)
  write.csv(df, design_csv, row.names = FALSE, quote = FALSE)
  # Lonely design: stratum 5 keeps only PSU 502 (12 children, 7 with s >= 2, 5 aged 0-5).
  lonely <- df[df$stratum != 5 | df$psu == 502, ]
  write.csv(lonely, lonely_csv, row.names = FALSE, quote = FALSE)
}
if (regenerate || !file.exists(design_csv) || !file.exists(lonely_csv)) generate_fixture()

# ---------------------------------------------------------------------------------------------
# 2. Derived variables
# ---------------------------------------------------------------------------------------------
prep <- function(df) {
  df$county <- as.character(df$county)
  s <- df$d1 + df$d2 + df$d3 + df$d4
  df$s <- s
  df$c <- s / 4
  for (k in 1:4) {
    p <- as.numeric(s >= k)
    df[[paste0("p_", k)]] <- p
    df[[paste0("c_", k)]] <- df$c * p
    for (j in 1:4) {
      dj <- df[[paste0("d", j)]]
      df[[paste0("ch", j, "_", k)]] <- dj * p
      df[[paste0("wch", j, "_", k)]] <- 0.25 * dj * p
    }
  }
  for (t in 0:4) df[[paste0("dist_", t)]] <- as.numeric(s == t)
  for (j in 1:3) for (l in (j + 1):4)
    df[[paste0("pair_", j, "_", l)]] <- df[[paste0("d", j)]] * df[[paste0("d", l)]]
  for (g in c("A", "B", "C")) {
    df[[paste0("is_", g)]] <- as.numeric(df$county == g)
    df[[paste0("cg_", g, "_2")]] <- df$c_2 * as.numeric(df$county == g)
  }
  df
}
dat <- prep(read.csv(design_csv, stringsAsFactors = FALSE))
lon <- prep(read.csv(lonely_csv, stringsAsFactors = FALSE))

# ---------------------------------------------------------------------------------------------
# 3. Output helpers
# ---------------------------------------------------------------------------------------------
out <- list()
fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
add <- function(design, domain, measure, k, est, se = NA, lo = NA, hi = NA) {
  out[[length(out) + 1]] <<- data.frame(design = design, domain = domain, measure = measure,
    k = if (is.na(k)) "" else as.character(k), estimate = fmt(unname(est)), se = fmt(unname(se)),
    ciLow = fmt(unname(lo)), ciHigh = fmt(unname(hi)), stringsAsFactors = FALSE)
}
f1 <- function(v) as.formula(paste0("~", v))
# mean of a variable: estimate, SE, normal 95% CI (or t if df given)
addMean <- function(des, design, domain, measure, k, v, df = Inf) {
  m <- svymean(f1(v), des)
  ci <- confint(m, df = df)
  add(design, domain, measure, k, coef(m), SE(m), ci[1, 1], ci[1, 2])
  invisible(m)
}
addRatio <- function(des, design, domain, measure, k, num, den, df = Inf) {
  r <- svyratio(f1(num), f1(den), des)
  ci <- confint(r, df = df)
  add(design, domain, measure, k, coef(r), SE(r), ci[1, 1], ci[1, 2])
  invisible(r)
}
addHMA <- function(des, design, domain, ks = 1:4) {
  for (k in ks) {
    addMean(des, design, domain, "H", k, paste0("p_", k))
    addMean(des, design, domain, "M0", k, paste0("c_", k))
    addRatio(des, design, domain, "A", k, paste0("c_", k), paste0("p_", k))
  }
}
mkdes <- function(data, ids = ~psu, strata = ~stratum, fpc = NULL)
  svydesign(ids = ids, strata = strata, weights = ~weight, data = data, nest = TRUE, fpc = fpc)

# ---------------------------------------------------------------------------------------------
# (a) full design
# ---------------------------------------------------------------------------------------------
des_a <- mkdes(dat)
addHMA(des_a, "a", "all")
for (j in 1:4) {
  addMean(des_a, "a", "all", paste0("rate_d", j), NA, paste0("d", j))
  for (k in 1:4) {
    addMean(des_a, "a", "all", paste0("CH_d", j), k, paste0("ch", j, "_", k))
    addRatio(des_a, "a", "all", paste0("contrib_d", j), k, paste0("wch", j, "_", k), paste0("c_", k))
  }
}
for (t in 0:4) addMean(des_a, "a", "all", paste0("dist_", t), NA, paste0("dist_", t))
for (j in 1:3) for (l in (j + 1):4)
  addMean(des_a, "a", "all", paste0("pair_d", j, "_d", l), NA, paste0("pair_", j, "_", l))
for (g in c("A", "B", "C")) {
  addRatio(des_a, "a", "all", paste0("subgroup_contrib_", g), 2, paste0("cg_", g, "_2"), "c_2")
  addMean(des_a, "a", "all", paste0("popshare_", g), NA, paste0("is_", g))
}
by_county <- svyby(~c_2, ~county, des_a, svymean, covmat = TRUE)
for (pr in list(c("A", "B"), c("A", "C"), c("B", "C"))) {
  cvec <- setNames(c(0, 0, 0), c("A", "B", "C"))
  cvec[pr[1]] <- 1; cvec[pr[2]] <- -1
  dcon <- svycontrast(by_county, cvec)
  ci <- confint(dcon)
  add("a", "all", paste0("diff_M0_", pr[1], "_minus_", pr[2]), 2, coef(dcon), SE(dcon), ci[1, 1], ci[1, 2])
}
# domains (subset() of the design: every PSU/stratum stays in the variance)
des_a05 <- subset(des_a, age <= 5)
addHMA(des_a05, "a", "age0_5")
addMean(des_a05, "a", "age0_5", "rate_d1", NA, "d1")
for (g in c("A", "B", "C")) {
  dg <- subset(des_a, county == g)
  dom <- paste0("county_", g)
  addMean(dg, "a", dom, "H", 2, "p_2")
  addMean(dg, "a", dom, "M0", 2, "c_2")
  addRatio(dg, "a", dom, "A", 2, "c_2", "p_2")
}
add("a", "all", "degf", NA, degf(des_a))
add("a", "age0_5", "degf", NA, degf(des_a05))

# Self-check: method-doc formula for H(k=2) in (a) reproduces svymean's SE.
local({
  w <- dat$weight; y <- dat$p_2; W <- sum(w); R <- sum(w * y) / W
  u <- w * (y - R) / W
  uhc <- tapply(u, dat$psu, sum); st <- tapply(dat$stratum, dat$psu, `[`, 1)
  v <- sum(sapply(split(uhc, st), function(z) length(z) / (length(z) - 1) * sum((z - mean(z))^2)))
  stopifnot(abs(sqrt(v) - SE(svymean(~p_2, des_a))) < 1e-14)
})

# ---------------------------------------------------------------------------------------------
# (b) with fpc (population PSUs per stratum)
# ---------------------------------------------------------------------------------------------
des_b <- mkdes(dat, fpc = ~fpc)
addHMA(des_b, "b_fpc", "all")

# ---------------------------------------------------------------------------------------------
# (c) no clusters, no strata; (d) strata only
# ---------------------------------------------------------------------------------------------
des_c <- svydesign(ids = ~1, weights = ~weight, data = dat)
addHMA(des_c, "c_nodesign", "all")
for (j in 1:4) {
  addMean(des_c, "c_nodesign", "all", paste0("CH_d", j), 2, paste0("ch", j, "_2"))
  addMean(des_c, "c_nodesign", "all", paste0("rate_d", j), NA, paste0("d", j))
}
add("c_nodesign", "all", "degf", NA, degf(des_c))

des_d <- svydesign(ids = ~1, strata = ~stratum, weights = ~weight, data = dat)
addHMA(des_d, "d_strata_only", "all")
add("d_strata_only", "all", "degf", NA, degf(des_d))

# ---------------------------------------------------------------------------------------------
# (e) lonely PSU (stratum 5 has one PSU)
# ---------------------------------------------------------------------------------------------
old <- options(survey.lonely.psu = "fail")
des_e <- mkdes(lon)
fail_msg <- tryCatch({ svymean(~p_2, des_e); "NO ERROR" }, error = function(e) conditionMessage(e))
cat("lonely.psu = 'fail' ->", fail_msg, "\n")
stopifnot(fail_msg != "NO ERROR")
for (X in c("certainty", "remove", "adjust", "average")) {
  options(survey.lonely.psu = X)
  addHMA(des_e, paste0("e_", X), "all", ks = 2)
  # the age 0-5 domain too (stratum 5's single PSU may or may not hold such children)
  addHMA(subset(des_e, age <= 5), paste0("e_", X), "age0_5", ks = 2)
}
options(old)
add("e_certainty", "all", "degf", NA, degf(des_e))

# Domain-lonely: in design (a) stratum 1 has a single PSU of county B (103) and of county C (104),
# stratum 4 a single PSU of county A (403) and of county B (404). By default (survey.adjust.domain.lonely =
# FALSE) such strata are NOT lonely: the stratum's other PSUs enter as zeros (rows "a", county_*).
# With survey.adjust.domain.lonely = TRUE, the lonely.psu rule is applied to them instead:
old <- options(survey.adjust.domain.lonely = TRUE)
for (X in c("adjust", "average")) {
  options(survey.lonely.psu = X)
  for (g in c("A", "B", "C")) {
    dg <- suppressWarnings(subset(des_a, county == g))
    dom <- paste0("county_", g)
    suppressWarnings({
      addMean(dg, paste0("a_domlonely_", X), dom, "H", 2, "p_2")
      addMean(dg, paste0("a_domlonely_", X), dom, "M0", 2, "c_2")
      addRatio(dg, paste0("a_domlonely_", X), dom, "A", 2, "c_2", "p_2")
    })
  }
}
options(old)

# ---------------------------------------------------------------------------------------------
# (f) t-interval for H(k=2) in (a), df = degf(des_a)
# ---------------------------------------------------------------------------------------------
addMean(des_a, "f_t", "all", "H", 2, "p_2", df = degf(des_a))
addMean(des_a, "f_t", "all", "M0", 2, "c_2", df = degf(des_a))
addRatio(des_a, "f_t", "all", "A", 2, "c_2", "p_2", df = degf(des_a))

# ---------------------------------------------------------------------------------------------
# (g) bootstrap replicate designs from (a)
# ---------------------------------------------------------------------------------------------
boot_one <- function(type, name) {
  set.seed(20261123)
  rep <- as.svrepdesign(des_a, type = type, replicates = 2000)
  cat(sprintf("%s: scale = %.17g, rscales all 1 = %s, mse = %s, degf = %d\n", type, rep$scale,
              all(rep$rscales == 1), rep$mse, degf(rep)))
  addHMA(rep, name, "all", ks = 2)
  add(name, "all", "rep_scale", NA, rep$scale)
  add(name, "all", "rep_count", NA, ncol(rep$repweights$weights))
  add(name, "all", "rep_mse", NA, as.numeric(isTRUE(rep$mse)))
  # resampling counts per replicate and PSU (weights matrix rows are PSUs in order of first appearance)
  first <- !duplicated(des_a$cluster[, 1])
  upsu <- dat$psu[first]                              # original psu ids
  ustr <- dat$stratum[first]
  stopifnot(identical(rep$repweights$index, match(dat$psu, upsu)))
  nh <- as.vector(table(ustr)[as.character(ustr)])
  fac <- rep$repweights$weights                       # PSUs x replicates
  cnt <- if (type == "subbootstrap") fac * (nh - 1) / nh else fac
  stopifnot(all(abs(cnt - round(cnt)) < 1e-9))
  cnt <- round(cnt)
  cm <- t(cnt); colnames(cm) <- paste0("psu_", upsu)
  write.csv(data.frame(replicate = seq_len(nrow(cm)), cm, check.names = FALSE),
            file.path(out_dir, paste0(name, "_counts.csv")), row.names = FALSE, quote = FALSE)
  # Self-check: rebuild H(k=2) variance from the counts with the formula in README.md
  f <- if (type == "subbootstrap") sweep(cnt, 1, nh / (nh - 1), "*") else cnt
  wr <- f[match(dat$psu, upsu), ] * dat$weight       # children x replicates
  th <- colSums(wr * dat$p_2) / colSums(wr)
  v <- rep$scale * sum((th - mean(th))^2)
  stopifnot(abs(sqrt(v) - SE(svymean(~p_2, rep))) < 1e-12)
}
boot_one("subbootstrap", "g_subbootstrap")
boot_one("bootstrap", "g_bootstrap")

# ---------------------------------------------------------------------------------------------
# Self-checks: the formulas written in README.md reproduce survey's SEs for H(k=2).
# u_i = w_i (y_i - Hhat) / sum(w) inside the domain, 0 outside; U_hc = PSU totals.
# ---------------------------------------------------------------------------------------------
manual_var <- function(data, y, indom, lonely = "fail", domlonely = FALSE, fpc = NULL) {
  w <- data$weight * indom
  est <- sum(w * y) / sum(w)
  u <- w * (y - est) / sum(w)
  strata <- sort(unique(data$stratum)); tot <- 0; nok <- 0
  for (h in strata) {
    rows <- data$stratum == h
    nh <- length(unique(data$psu[rows]))                 # PSUs of the stratum in the sample
    f <- if (is.null(fpc)) 1 else (fpc[rows][1] - nh) / fpc[rows][1]
    dompsu <- unique(data$psu[rows & indom == 1])        # PSUs with domain members
    U <- tapply(u[rows & indom == 1], data$psu[rows & indom == 1], sum)
    U <- c(U, rep(0, nh - length(U)))                    # domain-empty PSUs enter as zeros
    if (nh == 1) {                                       # a lonely stratum
      if (lonely == "average") next                      # NA: dropped, rescaled below
      tot <- tot + (if (lonely == "adjust") f * U^2 else 0); nok <- nok + 1
    } else if (length(dompsu) == 1 && domlonely && lonely %in% c("adjust", "average")) {
      if (lonely == "average") next
      tot <- tot + f * nh / (nh - 1) * sum(U^2); nok <- nok + 1   # adjust: not centred
    } else {
      tot <- tot + f * nh / (nh - 1) * sum((U - mean(U))^2); nok <- nok + 1
    }
  }
  tot * length(strata) / nok
}
chk <- function(v, design, domain, measure = "H", k = "2") {
  r <- res0[res0$design == design & res0$domain == domain & res0$measure == measure & res0$k == k, ]
  stopifnot(nrow(r) == 1, abs(sqrt(v) / as.numeric(r$se) - 1) < 1e-12)
}
res0 <- do.call(rbind, out)
one <- rep(1, nrow(dat)); onel <- rep(1, nrow(lon))
chk(manual_var(dat, dat$p_2, one), "a", "all")
chk(manual_var(dat, dat$p_2, as.numeric(dat$age <= 5)), "a", "age0_5")
chk(manual_var(dat, dat$p_2, dat$is_B), "a", "county_B")
chk(manual_var(dat, dat$p_2, one, fpc = dat$fpc), "b_fpc", "all")
for (X in c("certainty", "remove", "adjust", "average")) {
  chk(manual_var(lon, lon$p_2, onel, lonely = X), paste0("e_", X), "all")
  chk(manual_var(lon, lon$p_2, as.numeric(lon$age <= 5), lonely = X), paste0("e_", X), "age0_5")
}
for (X in c("adjust", "average")) for (g in c("A", "B", "C"))
  chk(manual_var(dat, dat$p_2, dat[[paste0("is_", g)]], lonely = X, domlonely = TRUE),
      paste0("a_domlonely_", X), paste0("county_", g))
cat("self-checks passed\n")

res <- do.call(rbind, out)
write.csv(res, file.path(out_dir, "expected.csv"), row.names = FALSE, quote = FALSE)
cat("survey", as.character(packageVersion("survey")), "on", R.version.string, "\n")
cat("wrote", nrow(res), "rows to", file.path(out_dir, "expected.csv"), "\n")
