from marshmallow import Schema, fields


class DepartmentSchema(Schema):
    """A department as every feature shows it (code and Korean/English names)."""

    code = fields.String()
    name_ko = fields.String()
    name_en = fields.String()


class StaffMemberSchema(Schema):
    """A staff member as the staff faces show them (an assignee)."""

    id = fields.Integer()
    display_name = fields.String()
    email = fields.String(allow_none=True)


class AssignSchema(Schema):
    """Body of the staff ``…/assign`` actions on reports and proposals."""

    user = fields.Integer(required=True, allow_none=True,
                          metadata={"description": "Id of a staff member of the handling department; null: nobody"})
