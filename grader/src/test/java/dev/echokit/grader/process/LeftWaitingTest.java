package dev.echokit.grader.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Recorded polls of /proc, judged without a server: when a client left waiting is left for good. */
@Tag("selftest")
@DisplayName("A client left waiting, judged from recorded polls")
@org.junit.jupiter.api.extension.ExtendWith(dev.echokit.grader.SelfTestCondition.class)
class LeftWaitingTest {

    private static final long MS = 1_000_000;
    private static final String OPEN = "the server accepted the connection, then neither wrote to it nor closed it";

    private static Optional<RunningServer.Waiting> asleep(long cpuMillis) {
        return Optional.of(new RunningServer.Waiting(true, 0, true, cpuMillis * MS));
    }

    private static Optional<RunningServer.Waiting> awake(long cpuMillis) {
        return Optional.of(new RunningServer.Waiting(true, 0, false, cpuMillis * MS));
    }

    @Test
    @DisplayName("every thread asleep through the whole window: left for good, with the time it was seen asleep")
    void asleepThroughTheWindow() {
        LeftWaiting evidence = new LeftWaiting(250 * MS);
        assertThat(evidence.poll(asleep(5), 0, 0, 300 * MS)).isEmpty();
        assertThat(evidence.poll(asleep(5), 0, 200 * MS, 300 * MS)).isEmpty();
        assertThat(evidence.poll(asleep(5), 0, 325 * MS, 300 * MS)).contains(new Probe.Unanswered(true, OPEN + ", and every one of its threads was asleep for 325 ms"));
    }

    @Test
    @DisplayName("a thread that wakes, or bytes that come, start the window again; a stretched window is longer")
    void wakingStartsAgain() {
        LeftWaiting evidence = new LeftWaiting(250 * MS);
        evidence.poll(asleep(5), 0, 0, 300 * MS);
        assertThat(evidence.poll(awake(6), 0, 250 * MS, 300 * MS)).isEmpty();
        assertThat(evidence.poll(asleep(6), 0, 300 * MS, 300 * MS)).isEmpty();
        assertThat(evidence.poll(asleep(6), 0, 550 * MS, 300 * MS)).isEmpty();
        evidence.answered();
        assertThat(evidence.poll(asleep(6), 0, 700 * MS, 900 * MS)).isEmpty();
        assertThat(evidence.poll(asleep(6), 0, 1500 * MS, 900 * MS)).isEmpty();
        assertThat(evidence.poll(asleep(6), 0, 1600 * MS, 900 * MS)).isPresent();
    }

    @Test
    @DisplayName("a server that stays on a core while the client waits: left for good once its threads ran 250 ms, however long that took")
    void busyOnACore() {
        LeftWaiting evidence = new LeftWaiting(250 * MS);
        assertThat(evidence.poll(awake(1000), 0, 0, 300 * MS)).isEmpty();
        assertThat(evidence.poll(awake(1200), 0, 2000 * MS, 300 * MS)).isEmpty(); // a loaded machine: 200 ms on a core in 2 s
        assertThat(evidence.poll(awake(1260), 0, 2400 * MS, 300 * MS))
                .contains(new Probe.Unanswered(true, OPEN + ", while its threads ran on a core for 260 ms (its loop spins, or is busy with something else)"));
    }

    @Test
    @DisplayName("a client that got bytes and then nothing more is told so: the server wrote, then neither wrote more nor closed")
    void bytesThenNothing() {
        LeftWaiting evidence = new LeftWaiting(250 * MS);
        evidence.poll(asleep(5), 19, 0, 300 * MS);
        assertThat(evidence.poll(asleep(5), 19, 310 * MS, 300 * MS)).hasValueSatisfying(seen -> assertThat(seen.words())
                .startsWith("the server wrote those bytes, then neither wrote more nor closed the connection").doesNotContain("neither wrote to it"));
        assertThat(new RunningServer.Waiting(false, 0, true, 0).what(0)).contains("never accepted");
        assertThat(new RunningServer.Waiting(true, 19, true, 0).what(0)).contains("left the 19 bytes the client sent unread");
    }

    @Test
    @DisplayName("a client no longer left waiting (answered, or its connection gone) clears what was seen")
    void notWaitingClears() {
        LeftWaiting evidence = new LeftWaiting(250 * MS);
        evidence.poll(awake(0), 0, 0, 300 * MS);
        assertThat(evidence.poll(Optional.empty(), 0, 100 * MS, 300 * MS)).isEmpty();
        assertThat(evidence.poll(awake(240), 0, 200 * MS, 300 * MS)).isEmpty(); // counted from here, not from 0
        assertThat(evidence.poll(awake(400), 0, 300 * MS, 300 * MS)).isEmpty();
        assertThat(evidence.poll(awake(490), 0, 400 * MS, 300 * MS)).isPresent();
    }
}
