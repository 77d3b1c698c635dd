package io.satstream.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchSegmenterTest {

    @Test
    void roundUpToTheModelMultiple() {
        assertThat(BatchSegmenter.roundUp(256, 8)).isEqualTo(256);
        assertThat(BatchSegmenter.roundUp(797, 8)).isEqualTo(800);
        assertThat(BatchSegmenter.roundUp(1, 8)).isEqualTo(8);
    }

    @Test
    void paddingReplicatesEdgesAndCropUndoesIt() {
        int c = 2, w = 3, h = 2, pw = 4, ph = 4;
        float[] src = new float[c * w * h];
        for (int i = 0; i < src.length; i++) {
            src[i] = i + 1;
        }
        float[] dst = new float[5 + c * pw * ph];
        BatchSegmenter.padReplicate(src, c, w, h, dst, 5, pw, ph);
        // band 0, row 0: 1 2 3 | 3 ; row 1: 4 5 6 | 6 ; rows 2, 3 repeat row 1
        assertThat(java.util.Arrays.copyOfRange(dst, 5, 5 + 16))
                .containsExactly(1, 2, 3, 3, 4, 5, 6, 6, 4, 5, 6, 6, 4, 5, 6, 6);
        assertThat(dst[5 + 16]).isEqualTo(7f);
        // crop treats the padded canvas as logits of one tile (k = c classes) at index 0
        float[] padded = java.util.Arrays.copyOfRange(dst, 5, dst.length);
        assertThat(BatchSegmenter.crop(padded, 0, c, pw, ph, w, h)).containsExactly(src);
    }
}
