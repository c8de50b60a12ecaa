/// The scenario `uptake init ID` writes: every key with a comment saying what it means and
/// what is valid, values marked ASSUMED where they are placeholders rather than sourced.
/// It validates as is (for an `id` that ``ScenarioLoader/isValidID(_:)`` accepts).
public enum ScenarioTemplate {
    public static func yaml(id: String) -> String {
        """
        # Uptake scenario. Edit the values, keep the keys; `uptake validate \(id).yaml` checks the
        # file and `uptake run \(id).yaml` forecasts it. Values marked ASSUMED are placeholders:
        # replace them with numbers from your source, or keep `assumed: true` so every output
        # shows them as assumptions. Dates are YYYY-MM-DD.

        id: \(id)                        # required; lowercase letters, digits and '-'; names Results/\(id)/
        title: Small traders accepting QR payments   # free text, shown in reports
        location: Vung Tau city          # free text; the `location` column of forecast.csv
        source: Vietnam Business Forum, 25 July 2022 # where the numbers come from

        metric:                          # what is measured; name and kind are required
          name: traders_accepting_qr     # the `target` column of forecast.csv
          kind: count                    # count (0, 1, 2, …) or share (a part of a whole)
          unit: traders                  # free text for a count; a share needs percent (0–100) or fraction (0–1)
          observed: level                # level (the running total) or flow (added per period, e.g. yearly sales)
          error: log                     # additive, log or logit; omit for the default (log for counts, logit for shares)
          ceiling:                       # the most it can ever reach: a number, {min: a, max: b},
                                         # {prior: DIST}, or leave the key out to estimate it from the data
            value: 542                   # e.g. every trader in the markets
            assumed: false               # true when the number is not in the source
            note: all traders in the four markets

        launch:                          # optional; the level is 0 on this date (or just `launch: 2022-03-31`
                                         # when the source gives it)
          date: 2022-03-31
          assumed: true                  # ASSUMED: the programme's start, not in the source
          note: programme start

        observations:                    # dated values, oldest first; or instead `data: file.csv` (relative
                                         # to this file) with columns date (or period = a year), value, of
          - date: 2022-07-25
            value: 168
            of: 542                      # optional: the whole this value is part of
            note: four markets           # optional; `assumed: true` marks a value not in the source

        targets:                         # optional; each is judged on track, at risk or off track
          - value: 434                   # the level to reach, in the metric's unit
            by: 2023-12-31               # the deadline; not after forecast.horizon
            label: 80 % of traders by the end of 2023
            assumed: true                # ASSUMED: an illustrative target, not in the source
            note: illustrative target
                                         # on a flow metric (observed: flow), a target is a total
                                         # since the first observation; `cumulative: false`
                                         # compares one reporting period's flow instead

        models: auto                     # auto, or a list from [logistic, gompertz, richards, bass, linear,
                                         # exponential, local_trend]; auto: logistic and gompertz,
                                         # richards from 6 observations, linear from 3, bass with a
                                         # launch and flow data

        priors:                          # optional: what is known before the data. DIST is one of
                                         # {normal: {mean, sd}}, {lognormal: {median, sd_log}}, {uniform: [lo, hi]}
          growth_rate:                   # the growth rate per year
            lognormal: {median: 1.0, sd_log: 0.7}
            assumed: true                # ASSUMED: a typical adoption speed, not from the source
          inflection:                    # when growth is fastest: a date, give or take sd_years
            date: 2023-06-30
            sd_years: 1.5
            assumed: true                # ASSUMED
          noise_sd:                      # observation noise on the error scale; this is the default
            lognormal: {median: 0.1, sd_log: 0.5}

        forecast:                        # how far ahead and how finely to simulate
          horizon: 2026-12-31            # required; the last date forecast, after the last observation
          step: month                    # month, quarter or year (default month)
          paths: 10000                   # Monte Carlo paths, 1 to 10,000,000 (default 10000)
          seed: 1                        # the same seed and paths give the same results (default 1)

        verdict:                         # P(met) ≥ on_track: on track; < off_track: off track; else at risk
          on_track: 0.8
          off_track: 0.2

        variants:                        # optional what-ifs, each forecast beside the baseline
          - id: campaign                 # lowercase letters, digits and '-'; not 'baseline'
            from: 2023-01-01             # the levers act from this date
            growth_multiplier: {uniform: [1.1, 1.4]}   # a campaign speeds growth 1.1–1.4×
            assumed: true                # ASSUMED: a what-if, not in the source
            note: illustrative campaign
            # ceiling_multiplier: DIST   # multiplies the ceiling
            # level_shift: DIST          # adds to the level, in the metric's unit
                                         # (a lever may also be a plain number: the same on every path)

        seek:                            # optional: what would it take? `uptake run` writes seek.csv
          probability: 0.8               # the P(met) to reach, between 0 and 1 (default 0.8)
          lever: growth_multiplier       # growth_multiplier (default), level_shift, ceiling_multiplier,
                                         # or start (the latest `from` of the first variant)
          # target: 1                    # a target's label or number (default: every target)

        """
    }
}
