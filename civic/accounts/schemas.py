from marshmallow import Schema, fields


class DepartmentSchema(Schema):
    """A department as every feature shows it (code and Korean/English names)."""

    code = fields.String()
    name_ko = fields.String()
    name_en = fields.String()
