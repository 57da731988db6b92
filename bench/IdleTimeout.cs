using System;
using System.Diagnostics;

namespace RingIpc.Bench;

/// <summary>
/// The bound on a spinning wait of the bench: <see cref="Expired"/> turns true once no progress has been reported for
/// the limit (a peer that died or hung fails the run instead of spinning forever). A poll costs no clock read: the
/// clock is read on every 4096th <see cref="Expired"/> call only, and <see cref="Progress"/> just sets a flag.
/// </summary>
internal struct IdleTimeout
{
    private const int CallsPerClockRead = 4096;
    private readonly long _limitTicks;
    private long _since;
    private int _calls;
    private bool _progressed;

    public IdleTimeout(TimeSpan limit)
    {
        _limitTicks = (long)(limit.TotalSeconds * Stopwatch.Frequency);
        _since = 0; // set at the first clock read: creating one per round trip reads no clock either
        _calls = 0;
        _progressed = false;
    }

    /// <summary>The wait made progress (a message, an echo): the limit counts again from the next clock read.</summary>
    public void Progress() => _progressed = true;

    /// <summary>Call at each empty poll: true once nothing has progressed for the limit.</summary>
    public bool Expired()
    {
        if (++_calls < CallsPerClockRead)
        {
            return false;
        }

        _calls = 0;
        long now = Stopwatch.GetTimestamp();
        if (_progressed || _since == 0)
        {
            (_since, _progressed) = (now, false);
            return false;
        }

        return now - _since > _limitTicks;
    }
}
