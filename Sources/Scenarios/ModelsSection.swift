import Fitting
import Yams

/// `models:` — `auto` (or no key), or a list of curve families, each once.
///
/// `models: auto` selects the families the data can support (``ScenarioLoader/autoModels(launch:observed:observationCount:)``),
/// chosen again from the observations each forecast is fitted to. That Bass needs a launch
/// is a cross check.
struct ModelsSection {
    /// The families listed, with the node each was read from; nil for `auto`.
    var listed: [(family: CurveFamily, node: Node)]?

    var families: [CurveFamily]? { listed?.map(\.family) }

    init(_ node: Node?, _ reader: NodeReader) throws {
        guard let node else { return }
        let valid = CurveFamily.allCases.map(\.rawValue).joined(separator: ", ")
        if case let .scalar(scalar) = node {
            guard scalar.string == "auto" else {
                throw reader.error(node, "models must be auto or a list of families from \(valid), got \(NodeReader.quoted(scalar.string))")
            }
            return
        }
        let items = try reader.sequence(node, "models", of: "families (\(valid))")
        guard !items.isEmpty else { throw reader.error(node, "models must name at least one family (\(valid)), or be auto") }
        var listed: [(family: CurveFamily, node: Node)] = []
        for (index, item) in items.enumerated() {
            let name = try reader.text(item, "models[\(index + 1)]")
            guard let family = CurveFamily(rawValue: name) else {
                var message = "unknown model family \(NodeReader.quoted(name))"
                if let suggestion = NearestName.suggest(name, among: CurveFamily.allCases.map(\.rawValue)) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; valid: \(valid)"
                }
                throw reader.error(item, message)
            }
            guard !listed.contains(where: { $0.family == family }) else {
                throw reader.error(item, "models[\(index + 1)]: \(name) is listed twice; list each family once")
            }
            listed.append((family, item))
        }
        self.listed = listed
    }
}

extension ScenarioLoader {
    /// What `models: auto` means, in `CurveFamily` order: logistic and Gompertz always;
    /// Richards from 6 observations (its shape needs the take-off and the approach to the
    /// ceiling); the linear trend from 3 (with fewer it is not identified and ignores the
    /// ceiling); not the exponential trend (it extrapolates a growth phase without end; name
    /// it to use it); Bass when the scenario has a `launch` and `metric.observed: flow` — a
    /// model of per-period adoptions counted from a launch. The local trend (`local_trend`)
    /// is not in `auto`: on the real panels it does not yet beat the naive trend
    /// (docs/forecasting.md); name it to use it.
    public static func autoModels(launch: CalendarDate?, observed: ObservationKind,
                                  observationCount: Int = .max) -> [CurveFamily] {
        CurveFamily.allCases.filter { family in
            switch family {
            case .logistic, .gompertz: return true
            case .richards: return observationCount >= 6
            case .linear: return observationCount >= 3
            // Named explicitly only: on the real panels an exponential fitted to a growth
            // phase and run 5–15 years ahead dominated the error (mobile 2005: mean WIS
            // 2·10⁵ with it, 32 without; docs/forecasting.md, "Calibration on real panels").
            case .exponential: return false
            case .bass: return launch != nil && observed == .flow
            // Named explicitly only, until it beats the anchors on real panels (docs/forecasting.md,
            // "Calibration on real panels").
            case .localTrend: return false
            }
        }
    }
}
