import Foundation

/// What the routes share: the loaded models, the threads they run on, the upload folder and
/// the training lab's live models.
public struct ShowcaseServices: Sendable {
    public let models: ShowcaseModels
    public let compute: ComputePool
    public let uploads: UploadFolder
    public let lab: LabSessions
    let latentMap: LatentMapCache

    public init(models: ShowcaseModels, computeWidth: Int, uploadParent: String? = nil) throws {
        self.models = models
        compute = ComputePool(width: computeWidth)
        uploads = try UploadFolder(parent: uploadParent)
        lab = LabSessions()
        latentMap = LatentMapCache()
    }
}
