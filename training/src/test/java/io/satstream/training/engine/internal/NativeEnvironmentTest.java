package io.satstream.training.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeEnvironmentTest {

    @Test
    void aValueSetInProcessIsSeenByNativeCodeButNotBySystemGetenv() {
        String name = "SATSTREAM_NATIVE_ENV_TEST_" + ProcessHandle.current().pid();
        assertThat(NativeEnvironment.get(name)).isNull();
        NativeEnvironment.set(name, "SSE41");
        assertThat(NativeEnvironment.get(name)).isEqualTo("SSE41");
        // The JVM's copy was taken at start: why the guard cannot use System.getenv to check what oneDNN will read.
        assertThat(System.getenv(name)).isNull();
    }
}
