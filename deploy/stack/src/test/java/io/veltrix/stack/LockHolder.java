package io.veltrix.stack;

import java.nio.file.Path;
import java.time.Duration;

/** Test helper run in a child JVM: "hold FILE" takes the lock and waits; "probe FILE" prints held/free. */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        if (args[0].equals("probe")) {
            System.out.println(StackLock.isHeld(file) ? "held" : "free");
            return;
        }
        StackLock lock = StackLock.tryAcquire(file, Duration.ZERO).orElseThrow();
        System.out.println("locked");
        System.out.flush();
        System.in.read(); // until killed or stdin closes
        lock.close();
    }
}
