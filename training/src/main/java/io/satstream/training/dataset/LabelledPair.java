package io.satstream.training.dataset;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One image and its mask in a labelled dataset.
 *
 * @param id where the pair lies in the dataset, '/'-separated and without extension: {@code Tile 1/image_part_001}
 *     for {@code Tile 1/images/image_part_001.jpg} (just the file stem when the dataset folder itself holds
 *     {@code images/}); it decides the pair's split
 */
public record LabelledPair(String id, Path image, Path mask) {

    public LabelledPair {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(mask, "mask");
    }
}
