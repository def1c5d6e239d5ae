package io.veltrix.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.veltrix.stack.Instance;
import io.veltrix.stack.Stack;
import io.veltrix.stack.StackInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the real Pulsar, Apicurio and PostgreSQL of the test stack, starting
 * them if needed. Each service's {@code %test} profile takes its own database login from what this gives
 * ({@link StackInfo#quarkusTestConfig}). The stack is shared by every test JVM of one Maven run and stops when Maven exits, so
 * {@link #stop()} leaves it running.
 */
public class RealStackResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        StackInfo stack = TestStack.get();
        return new HashMap<>(stack.quarkusTestConfig());
    }

    @Override
    public void stop() {
        // the stack outlives this test class: it is shared by the whole Maven run
    }

    /** The test stack, started once per JVM. */
    public static final class TestStack {
        private static StackInfo info;

        private TestStack() {
        }

        public static synchronized StackInfo get() {
            if (info == null) {
                info = Stack.ensureRunning(Instance.TEST);
            }
            return info;
        }
    }
}
