package io.satstream.testing.oracles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

class GdalTest {
    private static final byte[] PIXELS = {0, 7, (byte) 200, (byte) 255, 9, 1};

    @BeforeAll
    static void gdal() {
        Gdal.require();
    }

    @Test
    void readsARasterWithoutWritingAnythingBesideIt(@TempDir Path tmp) throws Exception {
        Path input = Files.createDirectories(tmp.resolve("input"));
        Path pgm = Files.write(input.resolve("tiny.pgm"), pgm(3, 2, PIXELS));

        JsonNode info = Gdal.infoWithStats(pgm);
        byte[] samples = Gdal.rawBands(pgm, Files.createDirectories(tmp.resolve("work")));

        assertThat(info.at("/size/0").asInt()).isEqualTo(3);
        assertThat(info.at("/size/1").asInt()).isEqualTo(2);
        assertThat(info.at("/bands/0/maximum").asDouble()).isEqualTo(255.0);
        assertThat(samples).isEqualTo(PIXELS);
        // statistics would go to tiny.pgm.aux.xml were PAM on
        try (var files = Files.list(input)) {
            assertThat(files).containsExactly(pgm);
        }
    }

    @Test
    void aFailingRunSaysWhatRanAndWhatGdalPrinted(@TempDir Path tmp) throws Exception {
        Path text = Files.writeString(tmp.resolve("not-a-raster.txt"), "hello");

        assertThatThrownBy(() -> Gdal.info(text))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("gdalinfo -json " + text)
                .hasMessageContaining("not recognized as a supported file format");
    }

    private static byte[] pgm(int width, int height, byte[] pixels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("P5\n" + width + " " + height + "\n255\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(pixels);
        return out.toByteArray();
    }
}
