package io.veltrix.systemtests.processor;

import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import org.junit.jupiter.api.BeforeAll;

/** The processor system tests' common ground: the three services as processes on the test stack, and its database. */
abstract class PlatformTest {

    static TestServices services;
    static Database db;

    @BeforeAll
    static void platform() {
        services = TestServices.get();
        db = new Database(services.stack());
    }
}
