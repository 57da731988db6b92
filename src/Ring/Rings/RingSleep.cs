using System;
using System.Threading;

namespace RingIpc;

/// <summary>Waits on one or more sides of ring eventcounts (see <see cref="RingSignals"/>): which sides, what
/// each waits for, and how to sleep on their events once every condition was re-checked.</summary>
internal interface IWaitSet
{
    /// <summary>How many waits the set holds (the blocking calls: one; the async waiter: one per ring).</summary>
    int Count { get; }

    /// <summary>The side wait <paramref name="index"/> sleeps on.</summary>
    WaitSide SideOf(int index);

    /// <summary>Re-checks wait <paramref name="index"/> after its sleep was announced (a blocking wait: also true
    /// once its endpoint or ring is disposed, since the dispose's signal may have come just before the announcement).</summary>
    bool IsMet(int index);

    /// <summary>Sleeps on the events of every wait, each observed at the sequence value given.</summary>
    SleepOutcome Sleep(ReadOnlySpan<int> observed, int timeoutMs, CancellationToken cancellationToken);
}

/// <summary>A wait of a blocking call: a set of one, which also knows its endpoint.</summary>
internal interface IBlockingWait : IWaitSet
{
    /// <summary>The endpoint's counters of how its waits went.</summary>
    WaitCounters Counters { get; }

    /// <summary>Throws <see cref="ObjectDisposedException"/> if the endpoint or its ring was disposed.</summary>
    void ThrowIfDisposed();

    /// <summary>Runs once the spin budget is spent, before each sleep (the consumer revokes dead claims here).</summary>
    void BeforeSleep();
}

/// <summary>
/// The one sleep path of every ring wait: the eventcount handshake — announce, re-check, sleep, withdraw —
/// used by the blocking producer and consumer (<see cref="Until"/>) and by the async waiter.
/// </summary>
internal static class RingSleep
{
    /// <summary>Announces every wait of <paramref name="waits"/>, re-checks each, sleeps on all of them unless one
    /// is met, and withdraws every announcement, however the sleep ends.</summary>
    /// <returns><see cref="SleepOutcome.ConditionMet"/> if a re-check found its condition, else how the sleep ended.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static SleepOutcome Sleep<TSet>(ref TSet waits, int timeoutMs, CancellationToken cancellationToken)
        where TSet : struct, IWaitSet
    {
        int count = waits.Count;
        Span<int> observed = count <= 128 ? stackalloc int[count] : new int[count];
        int announced = 0;
        try
        {
            for (; announced < count; announced++)
            {
                observed[announced] = waits.SideOf(announced).Announce();
            }

            // Fence mode: the producers' fence, paid here, once per sleep (FenceMode); then the sleep caps, which a
            // refused barrier may have changed.
            bool barrierIssued = false; // one barrier, after every announcement, serves every ring
            for (int i = 0; i < count; i++)
            {
                WaitSide side = waits.SideOf(i);
                barrierIssued = side.IssueBarrierIfOwed(barrierIssued);
                timeoutMs = side.CapSleepMs(timeoutMs);
            }

            // Re-check every wait after announcing all of them: a peer may have changed the ring just before.
            bool met = false;
            for (int i = 0; i < count; i++)
            {
                met |= waits.IsMet(i);
            }

            return met ? SleepOutcome.ConditionMet : waits.Sleep(observed, timeoutMs, cancellationToken);
        }
        finally
        {
            for (int i = 0; i < announced; i++)
            {
                waits.SideOf(i).Withdraw();
            }
        }
    }

    /// <summary>Waits under <paramref name="loop"/> (spin, yield, then the handshake) until the blocking wait's
    /// condition is met.</summary>
    /// <returns><c>true</c> once it is met; <c>false</c> if the loop's deadline passed first.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The endpoint or its ring was disposed meanwhile.</exception>
    public static bool Until<TWait>(ref TWait wait, ref WaitLoop loop, CancellationToken cancellationToken)
        where TWait : struct, IBlockingWait
    {
        while (true)
        {
            wait.ThrowIfDisposed();
            if (wait.IsMet(0))
            {
                wait.ThrowIfDisposed(); // a blocking wait's condition is also met by a dispose
                return true;
            }

            switch (loop.Next(cancellationToken))
            {
                case WaitStep.Poll:
                    break;

                case WaitStep.Block:
                    wait.BeforeSleep();
                    wait.Counters.Count(Sleep(ref wait, loop.SleepMs, cancellationToken));
                    break;

                default:
                    return false;
            }
        }
    }
}
