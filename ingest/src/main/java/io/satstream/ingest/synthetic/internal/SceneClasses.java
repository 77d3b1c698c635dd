package io.satstream.ingest.synthetic.internal;

/** Label values of the synthetic scenes, indexing {@code SyntheticSceneGenerator.CLASS_NAMES}. */
public final class SceneClasses {
    public static final int WATER = 0;
    public static final int VEGETATION = 1;
    public static final int BARE_SOIL = 2;
    public static final int ROAD = 3;
    public static final int BUILDING = 4;
    public static final int CLOUD = 5;

    private SceneClasses() {}
}
