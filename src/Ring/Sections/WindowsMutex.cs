using System.Threading;

namespace RingIpc;

/// <summary>
/// Windows: the named mutex <c>Local\RingIpc.&lt;ring&gt;@&lt;role&gt;</c>. An abandoned mutex (its holder died)
/// is taken over. A Windows mutex belongs to the thread that took it: dispose it on that thread. A Windows
/// mutex is also recursive, so this process keeps its own set of held names to refuse a second holder here.
/// </summary>
#if NET
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
#endif
internal sealed class WindowsMutex : SharedMutex
{
    private static readonly System.Collections.Generic.HashSet<string> HeldHere = new();

    private readonly Mutex _mutex;
    private readonly string _name;
    private bool _held = true;

    private WindowsMutex(Mutex mutex, string name, bool abandoned)
    {
        _mutex = mutex;
        _name = name;
        WasAbandoned = abandoned;
    }

    public static WindowsMutex? TryLock(string ringName, string role)
    {
        string name = $@"Local\RingIpc.{ringName}@{role}";
        lock (HeldHere)
        {
            if (!HeldHere.Add(name))
            {
                return null;
            }
        }

        var mutex = new Mutex(false, name);
        bool acquired;
        bool abandoned = false;
        try
        {
            acquired = mutex.WaitOne(0);
        }
        catch (AbandonedMutexException)
        {
            acquired = abandoned = true; // the holder died; the mutex is ours now
        }

        if (acquired)
        {
            return new WindowsMutex(mutex, name, abandoned);
        }

        mutex.Dispose();
        lock (HeldHere)
        {
            HeldHere.Remove(name);
        }

        return null;
    }

    public override void Dispose()
    {
        if (_held)
        {
            _held = false;
            _mutex.ReleaseMutex();
            _mutex.Dispose();
            lock (HeldHere)
            {
                HeldHere.Remove(_name);
            }
        }
    }
}
