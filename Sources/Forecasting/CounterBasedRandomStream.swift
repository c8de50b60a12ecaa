import LinearAlgebra

/// The random numbers of one Monte Carlo path: a counter-based stream, so that draw d of
/// path p is a pure function of (seed, p, d).
///
/// ```swift
/// let stream = CounterBasedRandomStream(seed: 1, path: 41)
/// let u = stream.uniform(0)     // in (0, 1)
/// let z = stream.normal(7)      // standard normal
/// ```
///
/// Construction: SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014) is itself counter-based: its n-th output is
/// mix(state₀ + n·γ). A path's key is derived by two such steps (seed → path), and draw d
/// is mix(key + (d + 1)·γ). Nothing is carried from one draw to the next, so results cannot
/// depend on thread count, batch order or sharding (DESIGN.md, "Monte Carlo"). SplitMix64
/// passes BigCrush as a single stream; two paths' streams could only overlap if their keys
/// differed by a small multiple of γ, which for 10⁷ paths of a few hundred draws has
/// probability below 10⁻⁵.
///
/// Common random numbers: path p of every variant uses the same stream (the variant index
/// does not enter the key). Its family, parameters, lever quantiles and noise are the same
/// in the baseline and in a campaign, so a difference between variants is the levers'
/// effect and not Monte Carlo noise (Glasserman, *Monte Carlo Methods in Financial
/// Engineering*, §4.1): a lever that only speeds growth can only raise P(met).
///
/// What does not hold: this is not a cryptographic generator, and streams are not
/// independent in a provable sense (as with any non-cryptographic generator).
public struct CounterBasedRandomStream: Sendable {
    /// SplitMix64's γ (written out: a constant from another module would be read through a
    /// lazily initialised global at every draw).
    @usableFromInline static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    @usableFromInline let key: UInt64

    public init(seed: UInt64, path: Int) {
        let seedKey = Self.mix(seed &+ Self.gamma)
        key = Self.mix(seedKey &+ (UInt64(path) &+ 1) &* Self.gamma)
    }

    /// The stream whose key is `key` (a batch keeps the keys of its paths, not their streams).
    @usableFromInline init(key: UInt64) { self.key = key }

    @inlinable @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 { SplitMix64.mix(x) }

    /// 64 random bits for draw `index`.
    @inlinable @inline(__always)
    public func bits(_ index: Int) -> UInt64 {
        Self.mix(key &+ (UInt64(index) &+ 1) &* Self.gamma)
    }

    /// Uniform on the open interval (0, 1): (k + ½)·2⁻⁵³ with k the top 53 bits, so neither
    /// end is ever returned (the inverse normal CDF stays finite).
    @inlinable @inline(__always)
    public func uniform(_ index: Int) -> Double {
        (Double(bits(index) >> 11) + 0.5) * 0x1p-53
    }

    /// Standard normal from the bits of draw `index` by the ziggurat method
    /// (``NormalZiggurat``; one draw index per normal, so the layout of draws is fixed
    /// whatever the values).
    @inlinable @inline(__always)
    public func normal(_ index: Int) -> Double {
        NormalZiggurat.normal(bits(index))
    }

    /// ``normal(_:)`` with the ziggurat's tables read once by the caller's loop.
    @inlinable @inline(__always)
    public func normal(_ index: Int, _ tables: NormalZiggurat.Tables) -> Double {
        NormalZiggurat.normal(bits(index), tables)
    }
}

/// Where each random number of a path comes from: fixed slots, the same for every family
/// and variant, so that adding a lever or a family never shifts another draw.
enum RandomDrawLayout {
    /// Which family the path follows.
    static let family = 0
    /// N(0, 1) for the Gaussian parameter draw, one per free parameter (at most 8).
    static let parameterNormals = 1
    static let maximumParameters = 8
    /// Draws from priors for parameters the data do not identify (normal and uniform draws
    /// use separate slots).
    static let priorNormals = 9
    static let priorUniforms = 17
    /// One per lever: growth multiplier, ceiling multiplier, level shift; normals at
    /// `leverNormals + i`, uniforms at `leverUniforms + i`.
    static let leverNormals = 25
    static let leverUniforms = 28
    /// The Ornstein–Uhlenbeck innovation of clock step m (0-based month end after the
    /// reference; ``SimulationClock``) is at `residualInnovations + m`.
    static let residualInnovations = 32
    /// Far above any clock step: the stationary starting deviation of a path without
    /// observations, and the OU bridge normal of target j at `deadlineBridge + j`.
    static let stationaryStart = 1 << 40
    static let deadlineBridge = (1 << 40) + 1
    /// The normal that moves a path's data anchor by the observation's noise (``DataAnchor``).
    static let anchorNormal = 1 << 41
}
