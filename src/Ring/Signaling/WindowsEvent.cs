using System.Threading;

namespace RingIpc.Signaling;

/// <summary>Windows: a named auto-reset event, <c>Local\RingIpc.&lt;ring&gt;@&lt;purpose&gt;</c> ('@' cannot occur in
/// a ring name, so no ring's section or event can collide with it).</summary>
#if NET
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
#endif
internal sealed unsafe class WindowsEvent : SharedEvent
{
    private readonly EventWaitHandle _event;

    public WindowsEvent(string ringName, string purpose, int* sequence)
        : base(sequence)
    {
        _event = new EventWaitHandle(false, EventResetMode.AutoReset, $@"Local\RingIpc.{ringName}@{purpose}");
    }

    public override void Dispose() => _event.Dispose();

    protected override void Sleep(int observed, int timeoutMs, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            WaitHandle.WaitAny(new[] { _event, cancellationToken.WaitHandle }, timeoutMs);
        }
        else
        {
            _event.WaitOne(timeoutMs);
        }
    }

    protected override void Wake() => _event.Set();

    // WaitAny above already watches the token.
    protected override void WakeForCancellation()
    {
    }
}
