package io.satstream.jobs.features;

/** One record for the {@code segmentation-features} topic: key = tile id, value = GeoJSON (UTF-8). */
public class FeatureRecord {
    public String tileId;
    /** An RFC 7946 FeatureCollection, see {@link VectorizeFunction}. */
    public byte[] geoJson;
    /** {@code name@version} of the model that produced the mask. */
    public String modelVersion;
    /** Why the collection has no features although the mask may have regions; null when they are all there. */
    public String skipped;

    public FeatureRecord() {}

    public FeatureRecord(String tileId, byte[] geoJson, String modelVersion, String skipped) {
        this.tileId = tileId;
        this.geoJson = geoJson;
        this.modelVersion = modelVersion;
        this.skipped = skipped;
    }

    @Override
    public String toString() {
        return "FeatureRecord{" + tileId + " by " + modelVersion + ", " + (geoJson == null ? 0 : geoJson.length)
                + " bytes" + (skipped == null ? "" : ", skipped: " + skipped) + "}";
    }
}
