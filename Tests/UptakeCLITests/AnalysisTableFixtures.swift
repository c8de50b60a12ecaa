import Foundation

/// Small tables in the columns `uptake seek` and `uptake sensitivity` write (seek.csv,
/// families.csv, sensitivity.csv), for the tests of what report.html and the notebooks show.
enum AnalysisTableFixtures {
    static let seekHeader = "scenario,target_label,lever,probability,value,value_se,p_meet_at_value,p_meet_se,baseline_p_meet,date_at_probability,note"
    static let sensitivityHeader = "scenario,target_label,input,setting,value,p_meet,p_meet_se"

    /// P(met) per family of vung-tau-market-qr's second target, in its scenario folder.
    static func writeFamilies(in results: URL) throws {
        try """
            scenario,target_label,family,weight,p_meet,p_meet_se
            vung-tau-market-qr,80 % of traders (434 of 542) by end of 2023,logistic,0.5,0.9987,0.0004
            vung-tau-market-qr,80 % of traders (434 of 542) by end of 2023,gompertz,0.5,0.9995,0.0002

            """.write(to: results.appendingPathComponent("vung-tau-market-qr/families.csv"), atomically: true, encoding: .utf8)
    }

    /// `header` and `rows` as `<results>/<name>` (at the top of the results folder).
    static func write(_ name: String, header: String, rows: [String], in results: URL) throws {
        try ([header] + rows).map { $0 + "\n" }.joined()
            .write(to: results.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
}
