using System;
using System.Collections.Generic;

namespace RingIpc;

/// <summary>
/// The rings this process has open (every <see cref="SharedRing"/> not yet disposed), for the metrics
/// (<c>RingMeter</c>, on .NET). A ring joins once when it is constructed and leaves once when it is disposed: no
/// cost per message. Held weakly, so that a ring its owner forgot to dispose is still collected.
/// </summary>
internal static class OpenRings
{
    private static readonly object Gate = new();
    private static readonly List<WeakReference<SharedRing>> Rings = new();

    /// <summary>Adds a ring that was just opened or created.</summary>
    public static void Add(SharedRing ring)
    {
        lock (Gate)
        {
            Rings.Add(new WeakReference<SharedRing>(ring));
        }

#if NET
        RingMeter.EnsureCreated();
#endif
    }

    /// <summary>Removes a ring that is being disposed (and any that were collected undisposed).</summary>
    public static void Remove(SharedRing ring)
    {
        lock (Gate)
        {
            Rings.RemoveAll(entry => !entry.TryGetTarget(out SharedRing? held) || ReferenceEquals(held, ring));
        }
    }

    /// <summary>The open rings, at this moment.</summary>
    public static List<SharedRing> Snapshot()
    {
        lock (Gate)
        {
            var open = new List<SharedRing>(Rings.Count);
            foreach (WeakReference<SharedRing> entry in Rings)
            {
                if (entry.TryGetTarget(out SharedRing? ring) && !ring.IsDisposed)
                {
                    open.Add(ring);
                }
            }

            return open;
        }
    }
}
