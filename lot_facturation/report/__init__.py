"Printed documents: templates and their Report classes."
