import Require

/// Geometric self-ensembling: a picture denoised in up to eight of its flips and rotations, each
/// result turned back and the results averaged. The network's errors differ between the
/// orientations while the picture does not, so the mean is closer to the clean picture (the
/// noise a network leaves behind is partly independent between orientations).
public enum SelfEnsemble {
    /// One of the eight symmetries of a rectangle: transpose first, then flip rows and/or columns.
    struct Symmetry: Equatable {
        let transpose, flipRows, flipColumns: Bool

        /// Identity first; the first two, four or eight are the ensembles of that size.
        static let all: [Symmetry] = [
            Symmetry(transpose: false, flipRows: false, flipColumns: false),
            Symmetry(transpose: true, flipRows: true, flipColumns: true),
            Symmetry(transpose: false, flipRows: true, flipColumns: true),
            Symmetry(transpose: true, flipRows: false, flipColumns: false),
            Symmetry(transpose: false, flipRows: true, flipColumns: false),
            Symmetry(transpose: false, flipRows: false, flipColumns: true),
            Symmetry(transpose: true, flipRows: true, flipColumns: false),
            Symmetry(transpose: true, flipRows: false, flipColumns: true),
        ]

        /// For a plane (height, width): the transformed plane's size and where each of its pixels
        /// comes from: out[p] = plane[source[p]].
        func sources(height: Int, width: Int) -> (source: [Int], height: Int, width: Int) {
            let (h2, w2) = transpose ? (width, height) : (height, width)
            var source = [Int](repeating: 0, count: h2 * w2)
            for i in 0..<h2 {
                let i1 = flipRows ? h2 - 1 - i : i
                for j in 0..<w2 {
                    let j1 = flipColumns ? w2 - 1 - j : j
                    source[i * w2 + j] = transpose ? j1 * width + i1 : i1 * width + j1
                }
            }
            return (source, h2, w2)
        }
    }

    /// The sizes `apply` accepts.
    public static let sizes = [1, 2, 4, 8]

    /// f applied to a plane (height, width) in `count` orientations (1, 2, 4 or 8), each output
    /// turned back, averaged. f takes and returns a plane of the size it is given.
    public static func apply(_ plane: [Float], height: Int, width: Int, count: Int,
                             _ f: (_ plane: [Float], _ height: Int, _ width: Int) -> [Float]) -> [Float] {
        require(sizes.contains(count), "SelfEnsemble: \(count) orientations (1, 2, 4 or 8)")
        require(plane.count == height * width, "SelfEnsemble: \(plane.count) values for \(height)x\(width)")
        if count == 1 { return f(plane, height, width) }
        var sum = [Float](repeating: 0, count: plane.count)
        for symmetry in Symmetry.all.prefix(count) {
            let (source, h2, w2) = symmetry.sources(height: height, width: width)
            let out = f(source.map { plane[$0] }, h2, w2)
            require(out.count == source.count, "SelfEnsemble: f changed the plane's size")
            for p in 0..<out.count { sum[source[p]] += out[p] }
        }
        let scale = 1 / Float(count)
        return sum.map { $0 * scale }
    }
}
