using System.Diagnostics;
using System.Threading;

namespace RingIpc.Peer;

/// <summary>
/// Waiting for a full or empty ring without owning a core: spin briefly, then yield, then sleep 1 ms.
/// On a 2-core machine two spinning processes would otherwise starve everything else. Fails once the
/// deadline passes, so no test hangs.
/// </summary>
public struct Backoff
{
    private readonly Stopwatch _clock;
    private readonly long _deadlineMs;
    private int _idleRounds;

    public Backoff(Stopwatch clock, long deadlineMs)
    {
        _clock = clock;
        _deadlineMs = deadlineMs;
        _idleRounds = 0;
    }

    /// <summary>Call after progress.</summary>
    public void Reset() => _idleRounds = 0;

    /// <summary>Call when no progress was made; returns false once the deadline has passed.</summary>
    public bool Wait()
    {
        _idleRounds++;
        if (_idleRounds < 64)
        {
            Thread.SpinWait(20);
        }
        else if (_idleRounds < 128)
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
            return _clock.ElapsedMilliseconds < _deadlineMs;
        }

        return true;
    }
}
