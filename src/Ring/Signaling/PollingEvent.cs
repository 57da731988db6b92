using System.Diagnostics;
using System.Threading;

namespace RingIpc.Signaling;

/// <summary>The fallback where no shared address wait exists: checks the sequence word every millisecond.</summary>
internal sealed unsafe class PollingEvent : SharedEvent
{
    public PollingEvent(int* sequence)
        : base(sequence)
    {
    }

    protected override void Sleep(int observed, int timeoutMs, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        while (Read() == observed && !cancellationToken.IsCancellationRequested &&
               (Stopwatch.GetTimestamp() - start) * 1000 / Stopwatch.Frequency < timeoutMs)
        {
            Thread.Sleep(1);
        }
    }

    protected override void Wake()
    {
        // Pollers see the advanced sequence word by themselves.
    }
}
