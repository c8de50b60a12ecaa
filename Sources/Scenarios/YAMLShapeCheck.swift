import CYaml

/// Limits on the shape of a scenario file, checked on libyaml's events before Yams composes
/// the node tree (DESIGN.md, "Scale"): composing and reading stay linear in the file's size.
///
/// - **No alias or collection as a mapping key.** Yams checks a mapping for duplicate keys by
///   hashing each key expanded; a key that is an alias of nested aliases ("billion laughs": a
///   490-byte file whose key expands to 9⁸ nodes) takes minutes. Scenario keys are plain
///   names anyway.
/// - **Aliases expand to at most ``maximumAliasExpansion`` nodes in all.** Yams shares an
///   alias's node, but every reader after it walks it once per use.
/// - **At most ``maximumDepth`` levels of nesting** (a scenario needs five): Yams composes
///   recursively.
///
/// Everything else — syntax errors, undefined aliases — is left to Yams, which reports it at
/// its place; a check stops quietly at the first event libyaml cannot parse.
///
/// ```swift
/// try YAMLShapeCheck.check("a: &a [x, x]\n*a : 1\n", file: "s.yaml")
/// // s.yaml:2:1: an alias (*a) cannot be a key: write the key out
/// ```
enum YAMLShapeCheck {
    /// How many nodes all aliases of a file may stand for together, counted expanded.
    static let maximumAliasExpansion = 100_000
    /// How deeply mappings and lists may nest.
    static let maximumDepth = 64

    static func check(_ text: String, file: String) throws {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return }
        var scan = Scan(file: file)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return }
                try scan.take(event)
            }
        }
    }

    /// The state of one pass over the events.
    private struct Scan {
        /// An open mapping or list: its anchor, its nodes so far (itself included, aliases
        /// expanded), and for a mapping whether the next node is a key.
        struct Collection {
            var isMapping: Bool
            var anchor: String?
            var size = 1
            var expectsKey = true
        }

        let file: String
        var open: [Collection] = []
        /// The expanded size of each anchored node (a later anchor of the same name wins, as
        /// in Yams).
        var sizes: [String: Int] = [:]
        var expanded = 0

        init(file: String) { self.file = file }

        mutating func take(_ event: yaml_event_t) throws {
            switch event.type {
            case YAML_SCALAR_EVENT:
                try startNode(event, collection: nil)
                finish(size: 1, anchor: Self.name(event.data.scalar.anchor))
            case YAML_ALIAS_EVENT:
                let name = Self.name(event.data.alias.anchor) ?? ""
                try startNode(event, collection: nil, alias: name)
                let size = sizes[name] ?? 0
                expanded = min(expanded + size, Int.max / 2)
                guard expanded <= YAMLShapeCheck.maximumAliasExpansion else {
                    throw error(event, "aliases in this file stand for more than \(NodeReader.grouped(YAMLShapeCheck.maximumAliasExpansion)) values "
                        + "in all (here *\(Self.cut(name)) repeats \(NodeReader.grouped(size))); write the values out instead")
                }
                finish(size: size, anchor: nil)
            case YAML_SEQUENCE_START_EVENT:
                try startNode(event, collection: "a list")
                open.append(Collection(isMapping: false, anchor: Self.name(event.data.sequence_start.anchor)))
                try checkDepth(event)
            case YAML_MAPPING_START_EVENT:
                try startNode(event, collection: "a mapping (key: value)")
                open.append(Collection(isMapping: true, anchor: Self.name(event.data.mapping_start.anchor)))
                try checkDepth(event)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return }
                finish(size: closed.size, anchor: closed.anchor)
            default:
                break   // stream and document starts and ends
            }
        }

        /// A node begins: as a key, it must be a plain scalar.
        private func startNode(_ event: yaml_event_t, collection: String?, alias: String? = nil) throws {
            guard let parent = open.last, parent.isMapping, parent.expectsKey else { return }
            if let alias {
                throw error(event, "an alias (*\(Self.cut(alias))) cannot be a key: write the key out")
            }
            if let collection {
                throw error(event, "keys must be plain names, got \(collection)")
            }
        }

        /// A node of `size` nodes (expanded) is complete: it counts toward its parent, and
        /// toward later aliases of its anchor.
        private mutating func finish(size: Int, anchor: String?) {
            if let anchor { sizes[anchor] = size }
            guard !open.isEmpty else { return }
            open[open.count - 1].size = min(open[open.count - 1].size + size, Int.max / 2)
            if open[open.count - 1].isMapping { open[open.count - 1].expectsKey.toggle() }
        }

        private func checkDepth(_ event: yaml_event_t) throws {
            guard open.count > YAMLShapeCheck.maximumDepth else { return }
            throw error(event, "mappings and lists nest more than \(YAMLShapeCheck.maximumDepth) levels deep here; "
                + "a scenario needs at most 5")
        }

        private func error(_ event: yaml_event_t, _ message: String) -> ScenarioError {
            ScenarioError(file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1,
                          message: message)
        }

        private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }

        /// An anchor name as a message repeats it (names are short in practice, not always).
        private static func cut(_ name: String) -> String {
            name.count <= 40 ? name : String(name.prefix(40)) + "…"
        }
    }
}
