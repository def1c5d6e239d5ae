package io.veltrix.processor;

import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Database;
import io.veltrix.testing.RealStackResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the processor's {@code @QuarkusTest}s against the real stack share: the stack, its database and a producer of
 * raw events. Subclasses keep their own {@code @QuarkusTest} and {@code @QuarkusTestResource(RealStackResource)}.
 */
public abstract class ProcessorStackTest {

    protected static StackInfo stack;
    protected static Database db;
    protected static RawEvents raw;

    @BeforeAll
    static void connectToStack() {
        stack = RealStackResource.TestStack.get();
        db = new Database(stack);
        raw = new RawEvents(stack);
    }

    @AfterAll
    static void closeRawEvents() {
        raw.close();
    }
}
