namespace FhirAdapter.Worker.Commands;

/// <summary>
/// The first <paramref name="limit"/> items of a list that may grow with the clinic (problems, held records) and the
/// count of all of them: a command's memory stays bounded however many there are.
/// </summary>
internal sealed class FirstItems<T>(int limit)
{
    private readonly List<T> _items = [];

    public IReadOnlyList<T> Items => _items;

    public int Total { get; private set; }

    /// <summary>How many were counted but not kept.</summary>
    public int Omitted => Total - _items.Count;

    public void Add(T item)
    {
        Total++;
        if (_items.Count < limit)
        {
            _items.Add(item);
        }
    }
}
