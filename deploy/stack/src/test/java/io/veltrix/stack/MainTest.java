package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void parsesOptions() {
        Main.Options o = Main.Options.parse(new String[] {"supervise", "--instance", "test", "--owner=42", "--launch-id", "x"});
        assertEquals("supervise", o.command);
        assertEquals(Instance.TEST, o.instance);
        assertEquals(42, o.owner);
        assertEquals("x", o.launchId);

        Main.Options up = Main.Options.parse(new String[] {"up", "--no-services", "--no-build"});
        assertEquals(Instance.RUN, up.instance);
        assertFalse(up.services);
    }

    @Test
    void rejectsBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> Main.Options.parse(new String[] {"up", "--bogus"}));
        assertThrows(IllegalArgumentException.class, () -> Main.Options.parse(new String[] {"down", "--instance"}));
        assertThrows(StackException.class, () -> Main.Options.parse(new String[] {"down", "--instance", "prod"}));
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            assertEquals(Main.USAGE, Main.run(new String[] {"frobnicate"}));
        } finally {
            System.setErr(err);
        }
        org.junit.jupiter.api.Assertions.assertTrue(captured.toString().contains("unknown command 'frobnicate'"));
    }
}
