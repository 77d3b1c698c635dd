package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.satstream.schemas.XyzAddress;

class WebMercatorTest {
    @Test
    void zoomZeroIsTheWholeWorld() {
        XyzAddress world = XyzAddress.newBuilder().setZ(0).setX(0).setY(0).build();
        List<Double> gt = WebMercator.geoTransform(world, 256, 256);
        assertThat(gt.get(0)).isEqualTo(-20037508.342789244, within(1e-6));
        assertThat(gt.get(3)).isEqualTo(20037508.342789244, within(1e-6));
        assertThat(gt.get(1)).isEqualTo(156543.03392804097, within(1e-6));
        assertThat(gt.get(5)).isEqualTo(-156543.03392804097, within(1e-6));
    }

    /** cogeo.tif in shared/data is a zoom-18 Web Mercator orthophoto: pixel 0.5971640348434448 m per gdalinfo. */
    @Test
    void zoom18PixelMatchesTheRealCog() {
        assertThat(WebMercator.tileSpan(18) / 256).isEqualTo(0.5971640348434448, within(1e-6));
    }

    @Test
    void tileContainingInvertsTheTransform() {
        XyzAddress tile = XyzAddress.newBuilder().setZ(18).setX(137_123).setY(91_456).build();
        List<Double> gt = WebMercator.geoTransform(tile, 256, 256);
        // the centre of the tile
        XyzAddress found = WebMercator.tileContaining(gt.get(0) + 128 * gt.get(1), gt.get(3) + 128 * gt.get(5), 18);
        assertThat(found).isEqualTo(tile);
    }

    @Test
    void projectAndUnprojectAgree() {
        double[] xy = WebMercator.project(8.5417, 47.3769);
        double[] back = WebMercator.unproject(xy[0], xy[1]);
        assertThat(back[0]).isEqualTo(8.5417, within(1e-9));
        assertThat(back[1]).isEqualTo(47.3769, within(1e-9));
        // EPSG:3857 of (0, 0) is (0, 0)
        assertThat(WebMercator.project(0, 0)[0]).isEqualTo(0.0);
        assertThat(WebMercator.project(0, 0)[1]).isEqualTo(0.0, within(1e-6));
    }

    @Test
    void outOfRangeIsRefused() {
        assertThatThrownBy(() -> WebMercator.geoTransform(XyzAddress.newBuilder().setZ(1).setX(2).setY(0).build(), 256, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> WebMercator.project(0, 89)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebMercator.tileSpan(31)).isInstanceOf(IllegalArgumentException.class);
    }
}
