using System.Threading;

namespace RingIpc.Signaling;

/// <summary>
/// Windows: the named mutex <c>Local\RingIpc.&lt;ring&gt;@&lt;role&gt;</c>. An abandoned mutex (its holder died)
/// is taken over. A Windows mutex belongs to the thread that took it: dispose it on that thread.
/// </summary>
#if NET
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
#endif
internal sealed class WindowsMutex : SharedMutex
{
    private readonly Mutex _mutex;
    private bool _held = true;

    private WindowsMutex(Mutex mutex)
    {
        _mutex = mutex;
    }

    public static WindowsMutex? TryLock(string ringName, string role)
    {
        var mutex = new Mutex(false, $@"Local\RingIpc.{ringName}@{role}");
        bool acquired;
        try
        {
            acquired = mutex.WaitOne(0);
        }
        catch (AbandonedMutexException)
        {
            acquired = true; // the holder died; the mutex is ours now
        }

        if (acquired)
        {
            return new WindowsMutex(mutex);
        }

        mutex.Dispose();
        return null;
    }

    public override void Dispose()
    {
        if (_held)
        {
            _held = false;
            _mutex.ReleaseMutex();
            _mutex.Dispose();
        }
    }
}
