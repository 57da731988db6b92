using System;
using System.Diagnostics;
using System.Threading;
using Xunit;

namespace RingIpc.Tests.Signaling;

/// <summary>The wait loop reads the clock only every 64th spinning poll (and at every yield and before a sleep): a
/// zero timeout still times out at the first step, a finite one is still noticed under every strategy, and the
/// spinning polls between two clock reads are exactly <see cref="WaitLoop.PollsPerClockRead"/>.</summary>
public class WaitLoopTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Strategies() => new() { "busy-spin", "spin-then-yield", "spin-then-block", "block" };

    [Theory]
    [MemberData(nameof(Strategies))]
    public void A_zero_timeout_times_out_at_the_first_step(string strategy)
    {
        var loop = new WaitLoop(StrategyOf(strategy), TimeSpan.Zero, new WaitCounters());
        Assert.Equal(WaitStep.TimedOut, loop.Next(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void A_finite_timeout_is_noticed_however_the_loop_waits(string strategy)
    {
        var timeout = TimeSpan.FromMilliseconds(30);
        var loop = new WaitLoop(StrategyOf(strategy), timeout, new WaitCounters());
        var clock = Stopwatch.StartNew();
        WaitStep step;
        while ((step = loop.Next(CancellationToken.None)) != WaitStep.TimedOut)
        {
            if (step == WaitStep.Block)
            {
                Assert.InRange(loop.SleepMs, 1, 31); // never longer than what is left
                Thread.Sleep(loop.SleepMs);
            }

            Assert.True(clock.Elapsed < Generous, "the timeout was never noticed");
        }

        Assert.True(clock.Elapsed >= timeout, $"timed out after {clock.Elapsed.TotalMilliseconds} ms, before its 30 ms");
    }

    /// <summary>A busy-spin wait with a timeout checks the clock exactly once per 64 polls: with a timeout that has
    /// passed by the first clock read's second look, the 128th step times out and none before it does.</summary>
    [Fact]
    public void A_spinning_wait_reads_the_clock_once_per_64_polls()
    {
        var loop = new WaitLoop(WaitStrategy.BusySpin, TimeSpan.FromTicks(1), new WaitCounters());
        for (int step = 1; step < 2 * WaitLoop.PollsPerClockRead; step++)
        {
            WaitStep next = loop.Next(CancellationToken.None);
            Assert.True(next == WaitStep.Poll, $"step {step}: {next}");
        }

        Assert.Equal(WaitStep.TimedOut, loop.Next(CancellationToken.None));
    }

    [Fact]
    public void An_infinite_wait_never_times_out_and_sleeps_at_most_the_strategy_cap()
    {
        var loop = new WaitLoop(WaitStrategy.SpinThenBlock(0), Timeout.InfiniteTimeSpan, new WaitCounters());
        for (int step = 0; step < 1000; step++)
        {
            Assert.NotEqual(WaitStep.TimedOut, loop.Next(CancellationToken.None));
        }

        Assert.Equal(WaitStrategy.SpinThenBlock(0).SleepCapMs, loop.SleepMs);
    }

    private static WaitStrategy StrategyOf(string strategy) => strategy switch
    {
        "busy-spin" => WaitStrategy.BusySpin,
        "spin-then-yield" => WaitStrategy.SpinThenYield(100),
        "spin-then-block" => WaitStrategy.SpinThenBlock(100),
        _ => WaitStrategy.SpinThenBlock(0),
    };
}
