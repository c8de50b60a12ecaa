import Fitting

/// `--start b1=100,b2=1,b3=0.1`: one finite number per parameter, by name.
struct StartValues {
    private(set) var values: [(name: String, value: Double)] = []

    init(parsing text: String) throws {
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = item.trimmingSpaces()
            guard !trimmed.isEmpty else {
                throw InputError("--start: empty entry in '\(text)'; expected name=value,name=value,...")
            }
            let parts = trimmed.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].trimmingSpaces().isEmpty else {
                throw InputError("--start: '\(trimmed)' is not name=value")
            }
            let name = parts[0].trimmingSpaces()
            let valueText = parts[1].trimmingSpaces()
            guard let value = Double(valueText), value.isFinite else {
                throw InputError("--start: value of '\(name)' is '\(valueText)', not a finite number")
            }
            if values.contains(where: { $0.name == name }) {
                throw InputError("--start: '\(name)' is given twice")
            }
            values.append((name, value))
        }
    }

    /// The values in the order of `parameters`; every parameter must have exactly one value.
    /// `columns` are the data table's, `unusedColumns` those the formula does not name: a
    /// misspelt column is taken for a parameter without a starting value, and is then asked
    /// about ("did you mean the column 'x'?") when it is near a column the formula leaves out.
    func ordered(as parameters: [String], columns: [String] = [], unusedColumns: [String] = [],
                 data: String = "the data") throws -> [Double] {
        let extra = values.map(\.name).filter { !parameters.contains($0) }
        if let name = extra.first {
            var message = "--start: \(extra.map { "'\($0)'" }.joined(separator: ", ")) "
                + "\(extra.count == 1 ? "is not a parameter" : "are not parameters") of the formula "
                + "(parameters: \(parameters.joined(separator: ", ")))"
            if columns.contains(name) {
                message += "; '\(name)' is a column of \(data), whose values are data, not fitted"
            } else if extra.count == 1, let suggestion = NearestName.suggestMisspelling(name, among: parameters) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw InputError(message)
        }
        let missing = parameters.filter { name in !values.contains { $0.name == name } }
        if !missing.isEmpty {
            var message = "--start: missing starting value for \(missing.map { "'\($0)'" }.joined(separator: ", ")) "
                + "(give every parameter: \(parameters.map { "\($0)=…" }.joined(separator: ",")))"
            // A name that is not a column becomes a parameter: a misspelt column shows up here.
            let misspelt = missing.compactMap { name in
                NearestName.suggestMisspelling(name, among: unusedColumns).map { (name, $0) }
            }
            for (name, column) in misspelt {
                message += "; '\(name)' is not a column of \(data) (columns: \(columns.joined(separator: ", "))): "
                    + "did you mean '\(column)'?"
            }
            throw InputError(message)
        }
        return parameters.map { name in values.first { $0.name == name }!.value }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
