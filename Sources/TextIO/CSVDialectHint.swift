/// Signs that a file is not comma-separated with decimal points — a spreadsheet saved with
/// European settings (`;` between values, `,` in numbers), or as tab-separated text — and the
/// sentence that says so, in the error the reader would otherwise give.
enum CSVDialectHint {
    static let expected = "Uptake reads comma-separated values with a decimal point, e.g. 2021,12.5"

    /// The error for a header that is one unquoted field holding `;` or a tab: the file is not
    /// comma-separated. `rows` (the first few suffice) show whether numbers have decimal commas.
    static func headerError(_ header: CSVRecord, rows: ArraySlice<CSVRecord>, file: String) -> LocatedError? {
        guard header.count == 1, !header[0].isQuoted else { return nil }
        let name = header[0].text
        let separator: String
        if name.contains(";") { separator = "semicolon" } else if name.contains("\t") { separator = "tab" } else { return nil }
        var message = "the file looks \(separator)-separated"
        if let split = rows.prefix(20).lazy.compactMap(decimalComma).first {
            message += " and uses decimal commas (line \(split.line): \(PrintableText.quoted(split.number)))"
        }
        message += ": the header \(PrintableText.quoted(name)) has no ','. \(expected); save the file as CSV "
            + "with ',' between values and '.' in numbers"
        return LocatedError(SourceLocation(file: file, line: header.line, column: header[0].column), message)
    }

    /// A clause for a number cell that did not read, when it shows why.
    static func number(_ text: String) -> String? {
        if text.contains(";") { return "the file looks semicolon-separated; \(expected)" }
        if text.contains("\t") { return "the file looks tab-separated; \(expected)" }
        guard text.contains(","), text.contains(where: isDigit),
              text.allSatisfy({ isDigit($0) || ",.+-".contains($0) }) else { return nil }
        let commas = text.filter { $0 == "," }.count
        let suggestion = commas == 1 && !text.contains(".") ? " (\(text.replacingOccurrences(of: ",", with: ".")))" : ""
        return "it looks like a decimal comma; Uptake reads numbers with a decimal point\(suggestion)"
    }

    /// A clause for a row with more fields than the header when a decimal comma may have split
    /// a number in two.
    static func extraFields(_ record: CSVRecord) -> String? {
        guard let split = decimalComma(record) else { return nil }
        return "if \(PrintableText.quoted(split.number)) is one number, write it with a decimal point "
            + "(\(split.number.replacingOccurrences(of: ",", with: ".")))"
    }

    /// `12,5` and its line when the last two fields of the record, unquoted, read like the two
    /// halves of a number split at a decimal comma (a digit, then only digits): a value column
    /// last is the common layout, and it makes `2021,12,5` one field too long.
    private static func decimalComma(_ record: CSVRecord) -> (number: String, line: Int)? {
        guard record.count >= 2 else { return nil }
        let left = record[record.count - 2], right = record[record.count - 1]
        guard !left.isQuoted, !right.isQuoted, left.text.last.map(isDigit) == true,
              !right.text.isEmpty, right.text.allSatisfy(isDigit) else { return nil }
        let lead = left.text.split(whereSeparator: { $0 == ";" || $0 == "\t" }).last ?? ""
        return (lead + "," + right.text, left.line)
    }

    private static func isDigit(_ c: Character) -> Bool { ("0"..."9").contains(c) }
}
