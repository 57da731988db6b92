using System.Collections.Generic;

namespace RingIpc;

/// <summary>Which of a server's calls run now and which wait: at most <c>limit</c> run at once, the rest wait in
/// the order they came. Allocates nothing once its queue has grown to the deepest backlog.</summary>
internal sealed class CallQueue
{
    private readonly object _gate = new();
    private readonly Queue<CallWork> _waiting = new();
    private readonly int _limit;
    private int _running;

    public CallQueue(int limit)
    {
        _limit = limit;
    }

    /// <summary>How many calls run.</summary>
    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Whether <paramref name="work"/> may run now (it then counts as running); otherwise it waits.</summary>
    public bool TryStart(CallWork work)
    {
        lock (_gate)
        {
            if (_running < _limit && _waiting.Count == 0)
            {
                _running++;
                return true;
            }

            _waiting.Enqueue(work);
            return false;
        }
    }

    /// <summary>A call has ended: the next waiting call, which takes its place, or null (one fewer runs).</summary>
    public CallWork? Next()
    {
        lock (_gate)
        {
            if (_waiting.Count > 0)
            {
                return _waiting.Dequeue();
            }

            _running--;
            return null;
        }
    }
}
