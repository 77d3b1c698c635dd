package io.satstream.ingest;

import io.satstream.raster.RasterDecoder;

/**
 * What one download of a feed may cost, in one place. A tile server or STAC catalogue is as untrusted as the
 * {@code tiles} topic: it can claim any Content-Length, stream without end, declare any shape and send images whose
 * headers lie. Every download is refused once it passes its limit below, before more is buffered, and every image
 * by the decoder's pixel limit, from its header, before it is decoded.
 */
public final class IngestLimits {
    /**
     * Largest STAC asset (a whole scene file) read into memory: 512 MiB, the default of {@code --max-asset-mb}.
     */
    public static final long MAX_ASSET_BYTES = 512L * 1024 * 1024;
    /** Largest XYZ tile response: 64 MiB, far above any real 256 or 512 px tile. */
    public static final long MAX_XYZ_TILE_BYTES = 64L * 1024 * 1024;
    /**
     * Largest STAC JSON document (catalogue, collection, item, search page): 16 MiB. Parsed into a tree, JSON costs
     * several times its size, so documents get a much smaller limit than assets.
     */
    public static final long MAX_STAC_JSON_BYTES = 16L * 1024 * 1024;
    /**
     * Most pixels of a scene a feed decodes, and so the most a STAC item's {@code proj:shape} may declare for the
     * chosen asset before it is downloaded: the decoder's own limit, 64 Mi (8192 x 8192).
     */
    public static final long MAX_SCENE_PIXELS = RasterDecoder.DEFAULT_MAX_PIXELS;

    private IngestLimits() {}
}
