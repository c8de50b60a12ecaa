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

    mutating func compile(_ expression: FormulaExpression) throws(CompiledFormula.Failure) -> Int {
        switch expression {
        case .number(let x):
            return constant(x)
        case .pi:
            return constant(Double.pi)
        case .identifier(let name):
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
        case .negate(let a):
            return try emit(.negate, a, nil)
        case .call(let function, let a):
            return try emit(TapeOp(function), a, nil)
        case .binary(let op, let a, let b):
            switch op {
            case .add: return try emit(.add, a, b)
            case .subtract: return try emit(.subtract, a, b)
            case .multiply: return try emit(.multiply, a, b)
            case .divide: return try emit(.divide, a, b)
            case .power: return try emitPower(a, b)
            }
        }
    }

    private mutating func emitPower(_ a: FormulaExpression, _ b: FormulaExpression) throws(CompiledFormula.Failure) -> Int {
        let rb = try compile(b)
        let exponent = registers[rb]
        guard exponent.dependencies.isEmpty else {
            return try emit(.power, a, b, compiledB: rb)
        }
        if !exponent.isVector {
            switch values[exponent.offset] {
            case 0: return constant(1)   // a^0 = 1 for every a, as pow has it
            case 1: return try compile(a)
            case 2: return try emit(.square, a, nil)
            case 3: return try emit(.cube, a, nil)
            case -1: return try emit(.reciprocal, a, nil)
            case 0.5: return try emit(.sqrt, a, nil)
            default: break
            }
        }
        return try emit(.powerStatic, a, b, compiledB: rb)
    }

    func checkFinite(_ r: Int, _ expression: FormulaExpression) throws(CompiledFormula.Failure) {
        let register = registers[r]
        for i in 0..<register.length(rows) where !values[register.offset + i].isFinite {
            throw .notFinite(expression, row: register.isVector ? i : nil)
        }
    }

    private mutating func emit(
        _ op: TapeOp, _ a: FormulaExpression, _ b: FormulaExpression?, compiledB: Int? = nil
    ) throws(CompiledFormula.Failure) -> Int {
        let ra = try compile(a)
        var rb: Int? = compiledB
        if rb == nil, let b { rb = try compile(b) }
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
