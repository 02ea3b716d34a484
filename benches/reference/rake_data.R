# Builds the two small data files of cx-core/tests/rake_reference.rs from the
# shared test data (issue #19, raking). Run from the repository root:
#   Rscript benches/reference/rake_data.R /path/to/testdata
# where testdata holds airline_passenger_satisfaction.csv and nps_testdata.csv.
# The weights are constructed (deterministic, exact in millionths).
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else "/work/shared/testdata"

# Airline: the first 600 records; Inflight wifi service 0 means "not
# applicable" and is left empty (NA); weight = 0.5 + (id mod 9) / 4.
a <- read.csv(file.path(dir, "airline_passenger_satisfaction.csv"), check.names = FALSE)[1:600, ]
wifi <- a[["Inflight wifi service"]]
air <- data.frame(
  id = a$id, class = a$Class, travel = a[["Type of Travel"]], gender = a$Gender,
  wifi = ifelse(wifi == 0, NA, wifi), weight = 0.5 + (a$id %% 9) / 4
)
write.csv(air, "cx-core/tests/data/rake_airline.csv", row.names = FALSE, na = "")

# NPS test data: all 1000 records; quarter of the date as the domain;
# weight = 0.75 + ((row - 1) mod 5) * 0.4.
n <- read.csv(file.path(dir, "nps_testdata.csv"))
nps <- data.frame(
  rec = n$REC, bu = n$BU, region = n$Region,
  quarter = paste0("Q", (as.integer(substr(n$date, 6, 7)) - 1) %/% 3 + 1),
  weight = 0.75 + ((seq_len(nrow(n)) - 1) %% 5) * 0.4
)
write.csv(nps, "cx-core/tests/data/rake_nps.csv", row.names = FALSE)
