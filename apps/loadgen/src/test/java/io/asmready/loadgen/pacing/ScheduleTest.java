package io.asmready.loadgen.pacing;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class ScheduleTest {
    @Test
    void requestIIsDueAtStartPlusIOverRate() {
        Schedule schedule = new Schedule(1_000, 3, 10);
        assertThat(schedule.due(0), is(1_000L));
        assertThat(schedule.due(1), is(1_000L + 333_333_333L));
        assertThat(schedule.due(2), is(1_000L + 666_666_666L));
        assertThat(schedule.due(3), is(1_000L + 1_000_000_000L));
        assertThat(schedule.end(), is(schedule.due(10)));
    }

    @Test
    void roundingNeverAccumulatesIntoDrift() {
        // 7 per second does not divide a second evenly; a schedule adding 1/7 s per step would be off
        // by a millisecond after ~ a week. Computed from the index, a month in it is still exact.
        Schedule schedule = new Schedule(0, 7, Long.MAX_VALUE);
        long aMonthOfRequests = 7L * 86_400 * 30;
        assertThat(schedule.due(aMonthOfRequests), is(86_400L * 30 * 1_000_000_000L));
        assertThat(schedule.due(aMonthOfRequests + 1), is(86_400L * 30 * 1_000_000_000L + 142_857_142L));
    }

    @Test
    void highRatesStayExactAndOrdered() {
        Schedule schedule = new Schedule(0, 20_000, Long.MAX_VALUE);
        assertThat(schedule.due(1), is(50_000L));
        assertThat(schedule.due(20_000L * 3600 * 24 * 365), is(3600L * 24 * 365 * 1_000_000_000L));
        for (long i = 0; i < 100_000; i++) {
            assertThat(schedule.due(i + 1) > schedule.due(i), is(true));
        }
    }

    @Test
    void endlessScheduleNeverEnds() {
        assertThat(new Schedule(0, 5, Long.MAX_VALUE).end(), is(Long.MAX_VALUE));
    }
}
