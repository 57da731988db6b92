using System.Threading;
using RingIpc.Interop;

namespace RingIpc.Signaling;

/// <summary>Linux: a shared futex on the sequence word.</summary>
internal sealed unsafe class FutexEvent : SharedEvent
{
    public FutexEvent(int* sequence)
        : base(sequence)
    {
    }

    protected override void Sleep(int observed, int timeoutMs, CancellationToken cancellationToken)
    {
        // EAGAIN (the word moved on), ETIMEDOUT, EINTR and wake-ups all return to the caller, which re-checks.
        int result = Futex.Wait(Sequence, observed, timeoutMs);
        if (result is not (0 or Futex.EAGAIN or Futex.ETIMEDOUT or Futex.EINTR))
        {
            // The futex is refused (ENOSYS, EPERM under seccomp, ...): sleep instead of spinning.
            Thread.Sleep(1);
        }
    }

    protected override void Wake() => Futex.WakeAll(Sequence);
}
