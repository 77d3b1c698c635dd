package io.satstream.jobs.features;

import java.util.Set;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.satstream.jobs.records.SegmentationRecord;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.AvroDecodingException;
import io.satstream.schemas.Segmentation;

/**
 * Segmentation records → GeoJSON feature records for the {@code segmentation-features} topic, keyed by
 * tile id. Each value is an RFC 7946 FeatureCollection in EPSG:4326 (lon, lat) with one Feature per
 * connected region of each class (holes kept); properties {@code class}, {@code classIndex}, {@code pixels},
 * {@code area} (in the tile CRS's units), {@code tileId}, {@code sceneId}, {@code modelVersion}; and, as
 * foreign members, {@code sourceCrs} ("EPSG:n") and per feature {@code sourceGeometry} in that CRS.
 *
 * <p>Decisions: every georeferenced tile gets exactly one record. Classes named in {@code skipClassNames}
 * (default "background") are not vectorised; a tile with nothing else gets a record with no features, so readers
 * know it was processed. Padding past the scene edge is cut off first, and pixels without data
 * ({@code MaskValues.NO_DATA}) never become a feature. When the polygons are not computed — a mask too fragmented
 * to vectorise (the cost of the polygon union grows with its row runs, and a speckled mask would stall the branch
 * and with it every checkpoint), a CRS proj4j cannot reproject, a tile outside its scene — the record is an empty
 * collection with a foreign member {@code skipped} giving the reason, and the Kafka record carries the same reason
 * in the header {@code features-skipped}. A tile without georeference (no EPSG + geotransform, no XYZ address)
 * gets no record — GeoJSON coordinates are longitude/latitude and pixel coordinates would pass for them. Tiles
 * without features for a reason are counted ({@code featuresSkipped}) and logged at debug level (a feed without
 * georeference would otherwise flood the log).
 */
public final class VectorizeFunction extends RichFlatMapFunction<SegmentationRecord, FeatureRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(VectorizeFunction.class);
    public static final Set<String> DEFAULT_SKIP_CLASSES = Set.of("background");

    private final Set<String> skipClassNames;
    private final double simplifyTolerance;
    private final long minPixels;
    private transient SegmentationFeatures features;
    private transient AvroCodec<Segmentation> codec;
    private transient Counter emitted;
    private transient Counter skipped;

    /** Exact outlines of every class but "background". */
    public VectorizeFunction() {
        this(DEFAULT_SKIP_CLASSES, 0, 0);
    }

    /**
     * @param simplifyTolerance in pixels, topology kept (0 = exact pixel outlines)
     * @param minPixels regions smaller than this are dropped
     */
    public VectorizeFunction(Set<String> skipClassNames, double simplifyTolerance, long minPixels) {
        this.skipClassNames = Set.copyOf(skipClassNames);
        this.simplifyTolerance = simplifyTolerance;
        this.minPixels = minPixels;
        new SegmentationFeatures(this.skipClassNames, simplifyTolerance, minPixels); // fail at job build time
    }

    @Override
    public void open(OpenContext openContext) {
        features = new SegmentationFeatures(skipClassNames, simplifyTolerance, minPixels);
        codec = AvroCodec.segmentation();
        emitted = getRuntimeContext().getMetricGroup().counter("featureCollectionsEmitted");
        skipped = getRuntimeContext().getMetricGroup().counter("featuresSkipped");
    }

    @Override
    public void flatMap(SegmentationRecord record, Collector<FeatureRecord> out) {
        SegmentationFeatures.Result result;
        try {
            result = features.convert(codec.decode(record.value), record.modelVersion);
        } catch (AvroDecodingException | IllegalArgumentException e) {
            result = new SegmentationFeatures.Result(null, e.getMessage());
        }
        if (result.skipped() != null) {
            skipped.inc();
            LOG.debug("no features for tile {}: {}", record.tileId, result.skipped());
        }
        if (result.geoJson() != null) {
            emitted.inc();
            out.collect(new FeatureRecord(record.tileId, result.geoJson(), record.modelVersion, result.skipped()));
        }
    }
}
