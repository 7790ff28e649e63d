using System.Collections;
using System.Text;

namespace Autobuilder.Debian.Control;

/// <summary>
/// One deb822 paragraph (deb822(5), Debian Policy §5.1): an ordered list of fields whose names
/// compare case-insensitively but keep the case they were written with. Immutable: the
/// <c>With…</c> methods return a changed copy.
/// </summary>
public sealed class ControlParagraph : IReadOnlyList<ControlField>
{
    private readonly ControlField[] _fields;
    private readonly Dictionary<string, int> _index;

    public ControlParagraph(IEnumerable<ControlField> fields)
    {
        _fields = fields.ToArray();
        _index = new Dictionary<string, int>(_fields.Length, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _fields.Length; i++)
        {
            if (!_index.TryAdd(_fields[i].Name, i))
                throw new ArgumentException($"duplicate field '{_fields[i].Name}'", nameof(fields));
        }
    }

    public static ControlParagraph Empty { get; } = new([]);

    public int Count => _fields.Length;
    public ControlField this[int index] => _fields[index];

    /// <summary>The value of a field, or null when the paragraph does not have it.</summary>
    public string? this[string name] => _index.TryGetValue(name, out var i) ? _fields[i].Value : null;

    public bool Contains(string name) => _index.ContainsKey(name);

    public bool TryGetValue(string name, out string value)
    {
        if (_index.TryGetValue(name, out var i))
        {
            value = _fields[i].Value;
            return true;
        }
        value = "";
        return false;
    }

    /// <summary>The value of a field that must be present; the error names the field and the paragraph's source.</summary>
    public string Require(string name, string source)
    {
        if (TryGetValue(name, out var value) && value.Length > 0)
            return value;
        throw new DebianFormatException($"{source}: required field '{name}' is missing");
    }

    /// <summary>A copy with the field set: replaced in place if present (keeping its position), appended otherwise.</summary>
    public ControlParagraph With(string name, string value)
    {
        var copy = (ControlField[])_fields.Clone();
        if (_index.TryGetValue(name, out var i))
        {
            copy[i] = new ControlField(copy[i].Name, value);
            return new ControlParagraph(copy);
        }
        return new ControlParagraph(copy.Append(new ControlField(name, value)));
    }

    public ControlParagraph Without(string name) =>
        _index.ContainsKey(name) ? new ControlParagraph(_fields.Where(f => !f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))) : this;

    public void WriteTo(TextWriter writer)
    {
        foreach (var field in _fields)
        {
            writer.Write(field.Name);
            writer.Write(':');
            // A multiline field whose first line is empty (e.g. Files:) has nothing after the colon.
            if (field.Value.Length > 0 && field.Value[0] != '\n')
                writer.Write(' ');
            writer.Write(field.Value);
            writer.Write('\n');
        }
    }

    /// <summary>The paragraph in deb822 form, each field ending in '\n', no blank line after it.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        using var w = new StringWriter(sb);
        WriteTo(w);
        return sb.ToString();
    }

    public IEnumerator<ControlField> GetEnumerator() => ((IEnumerable<ControlField>)_fields).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
