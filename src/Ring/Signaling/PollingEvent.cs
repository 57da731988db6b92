using System.Diagnostics;
using System.Threading;

namespace RingIpc;

/// <summary>The fallback where no shared address wait exists: checks the sequence word every millisecond.</summary>
internal sealed class PollingEvent : SharedEvent
{
    public PollingEvent(SharedInt32 sequence)
        : base(sequence)
    {
    }

    protected override SleepOutcome Sleep(int observed, int timeoutMs, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        while (Read() == observed && !cancellationToken.IsCancellationRequested &&
               (Stopwatch.GetTimestamp() - start) * 1000 / Stopwatch.Frequency < timeoutMs)
        {
            Thread.Sleep(1);
        }

        return SleepOutcome.Polled;
    }

    protected override void Wake()
    {
        // Pollers see the advanced sequence word by themselves.
    }
}
