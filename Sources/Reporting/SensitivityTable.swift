import Foundation
import Fitting
import Forecasting
import TextIO

/// `sensitivity.csv` and `uptake sensitivity`'s output (issue 12): P(met) per target as each
/// input moves (``SensitivityAnalysis``), `scenario,target_label,input,setting,value,p_meet,p_meet_se`.
///
/// - `input` ∈ `baseline`, `ceiling`, `growth_rate`, `timing`, `noise`, `family`,
///   `variant:<id>:<lever>` (lever: growth_multiplier, ceiling_multiplier, level_shift);
/// - `setting` ∈ `base`, `low`, `high`, or a family's name;
/// - `value`: the input's value at the setting — the ceiling, the growth multiplier, the
///   time shift in years (+1: a year earlier), the noise scale, the lever's value; empty for
///   the baseline and a family;
/// - `p_meet`, `p_meet_se`: empty when the forecast at that setting failed.
///
/// The family rows are families.csv's P(met), row for row.
public enum SensitivityTable {
    public static let header = ["scenario", "target_label", "input", "setting", "value", "p_meet", "p_meet_se"]

    /// The input's name in the table.
    public static func name(_ input: SensitivityAnalysis.Input) -> String {
        switch input {
        case .baseline: "baseline"
        case .ceiling: "ceiling"
        case .growthRate: "growth_rate"
        case .timing: "timing"
        case .noise: "noise"
        case .family: "family"
        case let .variant(id, lever): "variant:\(id):\(lever.rawValue)"
        }
    }

    public static func name(_ setting: SensitivityAnalysis.Setting) -> String {
        switch setting {
        case .base: "base"
        case .low: "low"
        case .high: "high"
        case let .family(family): family.rawValue
        }
    }

    public static func cells(scenario: String, _ row: SensitivityAnalysis.Row) -> [FeasibilityTable.Cell] {
        [.text(scenario), .text(row.target.label), .text(name(row.input)), .text(name(row.setting)),
         .number(row.value ?? .nan), .number(row.pMeet ?? .nan), .number(row.pMeetStandardError ?? .nan)]
    }

    public static func table(scenario: String, _ analysis: SensitivityAnalysis, reusing buffer: TextBuffer = TextBuffer()) -> CSVTable {
        var table = CSVTable(header: header, reusing: buffer)
        for row in analysis.rows { table.append(cells(scenario: scenario, row).map(\.csv)) }
        return table
    }

    public static func json(scenario: String, _ analysis: SensitivityAnalysis) -> [JSONValue] {
        analysis.rows.map { .object(zip(header, cells(scenario: scenario, $0).map(\.json)).map { ($0, $1) }) }
    }

    /// For the terminal: per target, the bars largest swing first, P(met) at low and high.
    public static func text(_ analysis: SensitivityAnalysis) -> String {
        var text = ""
        for target in analysis.targets {
            let base = analysis.baseline(target: target).map { String(format: "%.3f", $0) } ?? "—"
            text += "\(target.label): baseline P(met) \(base)\n"
            var lines = [["input", "settings", "P(met) low", "P(met) high", "swing"]]
            for bar in analysis.bars(target: target) {
                let low = bar.low ?? (bar.input == .family ? bar.lowest : nil)
                let high = bar.high ?? (bar.input == .family ? bar.highest : nil)
                lines.append(["  " + name(bar.input), TornadoChart.settings(bar.input, analysis.rows(target: target)),
                              low.map { String(format: "%.3f", $0) } ?? "—", high.map { String(format: "%.3f", $0) } ?? "—",
                              String(format: "%.3f", bar.swing)])
            }
            text += AlignedColumns.render(lines)
        }
        return text
    }
}
