/// Builds a `CompiledFormula`: allocates registers, folds parameter-independent
/// subexpressions immediately, and records the rest as instructions.
struct TapeCompiler {
    let rows: Int
    let parameters: [String: Int]
    let column: (String) -> [Double]?
    /// Offsets 0 and 1 hold the constants 1 and −1 used as derivative coefficients.
    var values: [Double] = [1, -1]
    var partials: [Double] = []
    var registers: [TapeRegister] = []
    var instructions: [TapeInstruction] = []
    var slots: [Int] = []
    var parameterOffsets: [Int]
    private var identifierRegisters: [String: Int] = [:]

    init(rows: Int, parameters: [String: Int], column: @escaping (String) -> [Double]?) {
        self.rows = rows
        self.parameters = parameters
        self.column = column
        self.parameterOffsets = [Int](repeating: -1, count: parameters.count)
    }

    private mutating func newRegister(isVector: Bool, dependencies: [Int]) -> Int {
        let length = isVector ? rows : 1
        let register = TapeRegister(
            offset: values.count, isVector: isVector, dependencies: dependencies,
            partialOffset: partials.count)
        values.append(contentsOf: repeatElement(0, count: length))
        partials.append(contentsOf: repeatElement(0, count: length * dependencies.count))
        registers.append(register)
        return registers.count - 1
    }

    private mutating func constant(_ x: Double) -> Int {
        let r = newRegister(isVector: false, dependencies: [])
        values[registers[r].offset] = x
        return r
    }

    /// A step of the compilation, on an explicit stack rather than the call stack: a sum of
    /// 1,000 terms is a tree 1,000 deep (Formula.maximumOperations), and one call frame per
    /// level of it would bring a debug build near the end of its stack.
    private enum Step {
        /// Compile the expression; its register goes on the result stack.
        case compile(FormulaExpression)
        /// Pop the operand's register and emit `op` on it.
        case unary(TapeOp, FormulaExpression)
        /// Pop b's register, then a's, and emit `op` on them.
        case binary(TapeOp, FormulaExpression, FormulaExpression)
        /// Pop the exponent's register and choose how to raise a to it (``power(_:_:exponent:)``).
        case power(FormulaExpression, FormulaExpression)
        /// Pop a's register and emit `op` with the exponent already compiled to `b`.
        case powerWith(TapeOp, FormulaExpression, FormulaExpression, exponent: Int)
        /// A register already made goes on the result stack.
        case result(Int)
    }

    /// Compiles `expression` and returns its register. Registers and instructions come in
    /// the order of a depth-first walk — a's before b's, but an exponent before its base —
    /// exactly as a recursive compiler would make them.
    mutating func compile(_ expression: FormulaExpression) throws(CompiledFormula.Failure) -> Int {
        var steps: [Step] = [.compile(expression)]
        var results: [Int] = []
        while let step = steps.popLast() {
            switch step {
            case .compile(let e):
                switch e {
                case .number(let x):
                    results.append(constant(x))
                case .pi:
                    results.append(constant(Double.pi))
                case .identifier(let name):
                    results.append(identifier(name))
                case .negate(let a):
                    steps.append(.unary(.negate, a))
                    steps.append(.compile(a))
                case .call(let function, let a):
                    steps.append(.unary(TapeOp(function), a))
                    steps.append(.compile(a))
                case .binary(.power, let a, let b):
                    steps.append(.power(a, b))
                    steps.append(.compile(b))
                case .binary(let op, let a, let b):
                    let tapeOp: TapeOp = switch op {
                    case .add: .add
                    case .subtract: .subtract
                    case .multiply: .multiply
                    case .divide: .divide
                    case .power: .power
                    }
                    steps.append(.binary(tapeOp, a, b))
                    steps.append(.compile(b))
                    steps.append(.compile(a))
                }
            case .unary(let op, let a):
                let ra = results.removeLast()
                results.append(try emit(op, ra, a, nil, nil))
            case .binary(let op, let a, let b):
                let rb = results.removeLast(), ra = results.removeLast()
                results.append(try emit(op, ra, a, rb, b))
            case .power(let a, let b):
                let rb = results.removeLast()
                steps.append(contentsOf: power(a, b, exponent: rb))
            case .powerWith(let op, let a, let b, let rb):
                let ra = results.removeLast()
                results.append(try emit(op, ra, a, rb, b))
            case .result(let r):
                results.append(r)
            }
        }
        return results[0]
    }

    private mutating func identifier(_ name: String) -> Int {
        if let r = identifierRegisters[name] { return r }
        let r: Int
        if let j = parameters[name] {
            r = newRegister(isVector: false, dependencies: [j])
            partials[registers[r].partialOffset] = 1
            parameterOffsets[j] = registers[r].offset
        } else if let data = column(name) {
            precondition(data.count == rows, "column '\(name)' has \(data.count) rows, expected \(rows)")
            r = newRegister(isVector: true, dependencies: [])
            values.replaceSubrange(registers[r].offset..<(registers[r].offset + rows), with: data)
        } else {
            preconditionFailure("identifier '\(name)' is neither a parameter nor a data column")
        }
        identifierRegisters[name] = r
        return r
    }

    /// The steps that raise a to the power in register `exponent`: a small constant exponent
    /// becomes a cheaper operation (or none), a parameter-free one `powerStatic`.
    private mutating func power(_ a: FormulaExpression, _ b: FormulaExpression, exponent rb: Int) -> [Step] {
        let exponent = registers[rb]
        guard exponent.dependencies.isEmpty else {
            return [.powerWith(.power, a, b, exponent: rb), .compile(a)]
        }
        if !exponent.isVector {
            switch values[exponent.offset] {
            case 0: return [.result(constant(1))]   // a^0 = 1 for every a, as pow has it: a is not compiled
            case 1: return [.compile(a)]
            case 2: return [.unary(.square, a), .compile(a)]
            case 3: return [.unary(.cube, a), .compile(a)]
            case -1: return [.unary(.reciprocal, a), .compile(a)]
            case 0.5: return [.unary(.sqrt, a), .compile(a)]
            default: break
            }
        }
        return [.powerWith(.powerStatic, a, b, exponent: rb), .compile(a)]
    }

    func checkFinite(_ r: Int, _ expression: FormulaExpression) throws(CompiledFormula.Failure) {
        let register = registers[r]
        for i in 0..<register.length(rows) where !values[register.offset + i].isFinite {
            throw .notFinite(expression, row: register.isVector ? i : nil)
        }
    }

    /// The register of `op` on a (compiled to `ra`) and b (to `rb`; nil for a unary
    /// operation): folded now when no parameter is involved, else an instruction on the tape.
    private mutating func emit(
        _ op: TapeOp, _ ra: Int, _ a: FormulaExpression, _ rb: Int?, _ b: FormulaExpression?
    ) throws(CompiledFormula.Failure) -> Int {
        let regA = registers[ra]
        let regB = rb.map { registers[$0] }
        let isVector = regA.isVector || (regB?.isVector ?? false)
        let dependencies = Array(Set(regA.dependencies + (regB?.dependencies ?? []))).sorted()
        let out = newRegister(isVector: isVector, dependencies: dependencies)
        let length = isVector ? rows : 1
        let instruction = TapeInstruction(
            op: op, out: registers[out].offset, length: length, outStride: isVector ? 1 : 0,
            a: regA.offset, aStride: regA.isVector ? 1 : 0, aHasPartials: !regA.dependencies.isEmpty,
            b: regB?.offset ?? -1, bStride: (regB?.isVector ?? false) ? 1 : 0,
            bHasPartials: !(regB?.dependencies.isEmpty ?? true),
            outPartial: registers[out].partialOffset, dependencyCount: dependencies.count,
            slotStart: slots.count)

        if dependencies.isEmpty {
            // Parameter-independent: fold now; it never goes on the tape.
            CompiledFormula.computeValue(instruction, &values)
            return out
        }
        // Data-only operands feeding the parameter-dependent part must be finite everywhere.
        if regA.dependencies.isEmpty, !regA.checked {
            try checkFinite(ra, a)
            registers[ra].checked = true
        }
        if let rb, let b, let regB, regB.dependencies.isEmpty, !regB.checked {
            try checkFinite(rb, b)
            registers[rb].checked = true
        }
        for j in dependencies {
            if let k = regA.dependencies.firstIndex(of: j) {
                slots.append(regA.partialOffset + k * regA.length(rows))
            } else {
                slots.append(-1)
            }
            if let regB, let k = regB.dependencies.firstIndex(of: j) {
                slots.append(regB.partialOffset + k * regB.length(rows))
            } else {
                slots.append(-1)
            }
        }
        instructions.append(instruction)
        return out
    }
}
