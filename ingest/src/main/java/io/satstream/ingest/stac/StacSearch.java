package io.satstream.ingest.stac;

import java.util.List;
import java.util.Locale;

/**
 * What a STAC API {@code /search} poll asks for, besides the datetime cursor.
 *
 * @param collections collection ids, empty for all
 * @param bbox {@code [minLon, minLat, maxLon, maxLat]} or null for everywhere
 * @param limit page size asked of the server
 * @param method POST (a JSON body, the STAC API default) or GET (query parameters)
 */
public record StacSearch(List<String> collections, double[] bbox, int limit, Method method) {
    public enum Method { GET, POST }

    public StacSearch {
        collections = List.copyOf(collections);
        if (bbox != null) {
            bbox = bbox.clone();
            if (bbox.length != 4) {
                throw new IllegalArgumentException("bbox needs 4 numbers (minLon,minLat,maxLon,maxLat), got " + bbox.length);
            }
            if (!(bbox[0] < bbox[2]) || !(bbox[1] < bbox[3]) || bbox[0] < -180 || bbox[2] > 180 || bbox[1] < -90
                    || bbox[3] > 90) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "bbox %s,%s,%s,%s is not minLon,minLat,maxLon,maxLat within -180..180, -90..90",
                        bbox[0], bbox[1], bbox[2], bbox[3]));
            }
        }
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be 1..10000, got " + limit);
        }
        if (method == null) {
            throw new IllegalArgumentException("method must be GET or POST");
        }
    }

    public static StacSearch all() {
        return new StacSearch(List.of(), null, 100, Method.POST);
    }

    @Override
    public double[] bbox() {
        return bbox == null ? null : bbox.clone();
    }
}
