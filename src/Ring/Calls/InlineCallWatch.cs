using System;
using System.Threading;

namespace RingIpc;

/// <summary>
/// Lets a reader thread run work inline — the server's reader a call, the client's reader the caller's continuation:
/// no hand-off, the fastest a call can go — without long work starving its ring: work still running inline a whole
/// tick after it was first seen has its reader replaced (<c>startReader</c> starts a new one; the old one ends when
/// the work returns), so cancels, connects, other calls and other replies keep being read.
/// </summary>
/// <remarks>
/// <para>State: one counter, even while the reader reads and odd while it runs a call inline. <see cref="Enter"/>
/// makes it odd; whoever moves it from that odd value to the next even one first wins — the reader leaving
/// (<see cref="Leave"/>: it reads on) or the watch taking over (the old reader must stop reading). One
/// compare-and-swap decides, so exactly one thread reads at any time.</para>
/// <para>The timer ticks only while calls come: a tick that finds nothing changed since the last one stops it, and
/// the next <see cref="Enter"/> starts it again. Ordering: <see cref="Enter"/> publishes the odd state with a full
/// fence before it reads the armed flag, and the tick clears the flag with a full fence before it reads the state,
/// so at least one of them sees the other (a Dekker pair) and a running call always has a ticking watch.</para>
/// </remarks>
internal sealed class InlineCallWatch : IDisposable
{
    private readonly Action _startReader;
    private readonly Timer _timer;
    private readonly TimeSpan _period;
    private long _state;
    private long _seen = -1;
    private int _armed;
    private int _ticking;

    public InlineCallWatch(TimeSpan period, Action startReader)
    {
        _period = period;
        _startReader = startReader;
        _timer = new Timer(static state => ((InlineCallWatch)state!).Tick(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The reader starts running a call inline; pass the result to <see cref="Leave"/>.</summary>
    public long Enter()
    {
        long running = Interlocked.Increment(ref _state);
        if (Volatile.Read(ref _armed) == 0 && Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
        {
            try
            {
                _timer.Change(_period, _period);
            }
            catch (ObjectDisposedException)
            {
                // Stopping (Mono throws where .NET returns false): the work runs unwatched.
            }
        }

        return running;
    }

    /// <summary>The inline call returned; <c>false</c> if the reader was replaced meanwhile (its thread must stop reading).</summary>
    public bool Leave(long running) => Interlocked.CompareExchange(ref _state, running + 1, running) == running;

    public void Dispose() => _timer.Dispose();

    /// <summary>Starts the new reader. A thread that cannot be created (out of memory) must not kill the timer
    /// thread, nor leave nobody reading: the takeover is undone, so the old reader reads on when its work returns
    /// (nothing else moves the state meanwhile: the old reader is in its work, and no new reader exists).</summary>
    private void StartReader(long takenOver)
    {
        try
        {
            _startReader();
        }
        catch (Exception exception) when (exception is OutOfMemoryException or ThreadStartException or InvalidOperationException)
        {
            Interlocked.CompareExchange(ref _state, takenOver - 1, takenOver);
        }
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return; // a tick is still running (callbacks may overlap)
        }

        try
        {
            long state = Interlocked.Read(ref _state);
            if ((state & 1) == 1)
            {
                if (state == _seen && Interlocked.CompareExchange(ref _state, state + 1, state) == state)
                {
                    StartReader(state + 1); // the work outlasted a whole tick: a new reader takes over
                }

                _seen = state;
                return;
            }

            if (state != _seen)
            {
                _seen = state;
                return;
            }

            // Nothing ran inline for a whole tick: stop until the next Enter.
            _timer.Change(Timeout.Infinite, Timeout.Infinite);
            Interlocked.Exchange(ref _armed, 0);
            if ((Interlocked.Read(ref _state) & 1) == 1 && Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
            {
                _timer.Change(_period, _period);
            }
        }
        catch (ObjectDisposedException)
        {
            // The server stopped.
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }
}
